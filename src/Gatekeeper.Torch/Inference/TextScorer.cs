using Gatekeeper.Torch.Modeling;
using Gatekeeper.Torch.Tokenization;
using TorchSharp;
using static TorchSharp.torch;

namespace Gatekeeper.Torch.Inference;

/// <summary>
/// The log-likelihood of a whole passage, every token predicted from the ones before it. The first
/// token is predicted after the end-of-turn token (lm-evaluation-harness starts from the
/// end-of-text token the same way); a passage longer than the context is scored in windows of the
/// context's length, each starting from the last token of the window before.
/// </summary>
public sealed class TextScorer
{
    private readonly CausalLanguageModel _model;
    private readonly ITokenizer _tokenizer;

    public TextScorer(CausalLanguageModel model, ITokenizer tokenizer)
    {
        _model = model;
        _tokenizer = tokenizer;
    }

    /// <returns>The sum of log p over the passage's tokens, in nats, and how many tokens that is.</returns>
    public (double LogLikelihood, int Tokens) LogLikelihood(string text)
    {
        var tokens = _tokenizer.Encode(text);
        int window = _model.Config.ContextLength;
        double sum = 0;
        _model.eval();
        using var noGrad = torch.no_grad();
        for (int start = 0; start < tokens.Length; start += window)
        {
            int count = Math.Min(window, tokens.Length - start);
            // Inputs: the token before the window, then all but the window's last; each predicts the next.
            var inputs = new long[count];
            inputs[0] = start == 0 ? _tokenizer.EndOfTurn : tokens[start - 1];
            for (int i = 1; i < count; i++) inputs[i] = tokens[start + i - 1];
            using var scope = torch.NewDisposeScope();
            var logits = _model.call(torch.tensor(inputs, [1, count], device: _model.Device));                 // (1, T, vocab)
            var logProbs = nn.functional.log_softmax(logits.to(ScalarType.Float32), dim: 2)[0];                  // (T, vocab)
            var targets = torch.tensor(tokens[start..(start + count)].Select(t => (long)t).ToArray(), device: _model.Device);
            sum += logProbs.gather(1, targets.unsqueeze(1)).sum().ToDouble();
        }
        return (sum, tokens.Length);
    }
}
