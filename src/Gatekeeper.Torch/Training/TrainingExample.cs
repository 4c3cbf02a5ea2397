using Gatekeeper.Corpus;
using Gatekeeper.Torch.Tokenization;

namespace Gatekeeper.Torch.Training;

/// <summary>
/// A tokenized example and which of its tokens the loss counts: only the answer of a chat turn
/// (the model is not taught to predict the user's words), every token of plain text.
/// </summary>
public sealed record TrainingExample(int[] Tokens, bool[] Learn)
{
    public static TrainingExample FromChat(ITokenizer tokenizer, string prompt, string answer)
    {
        if (prompt.Length == 0)
        {
            var text = tokenizer.Encode(answer);
            return new TrainingExample(text, [.. text.Select(_ => true)]);
        }
        var promptIds = tokenizer.EncodePrompt(prompt);
        var answerIds = tokenizer.EncodeAnswer(answer);
        return new TrainingExample([.. promptIds, .. answerIds], [.. promptIds.Select(_ => false), .. answerIds.Select(_ => true)]);
    }

    public static TrainingExample FromItem(ITokenizer tokenizer, CorpusItem item) => FromChat(tokenizer, item.Prompt, item.Answer);

    public int Length => Tokens.Length;
}
