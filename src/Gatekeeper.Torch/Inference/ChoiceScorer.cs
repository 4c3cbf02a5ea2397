using Gatekeeper.Torch.Modeling;
using Gatekeeper.Torch.Tokenization;
using TorchSharp;
using static TorchSharp.torch;

namespace Gatekeeper.Torch.Inference;

/// <summary>
/// Log-likelihood of each choice as the answer to a prompt: the sum of log p over the choice's
/// tokens and its end-of-turn token, all choices of an item in one batch.
/// </summary>
public sealed class ChoiceScorer
{
    private readonly CausalLanguageModel _model;
    private readonly ITokenizer _tokenizer;
    private readonly Device _device;

    public ChoiceScorer(CausalLanguageModel model, ITokenizer tokenizer)
    {
        _model = model;
        _tokenizer = tokenizer;
        _device = model.Device;
    }

    public double[] LogLikelihoods(string prompt, IReadOnlyList<string> choices)
    {
        var promptIds = _tokenizer.EncodePrompt(prompt);
        var answers = choices.Select(_tokenizer.EncodeAnswer).ToList();
        int context = _model.Config.ContextLength;
        int length = Math.Min(context, promptIds.Length + answers.Max(a => a.Length));
        // Keep the end of over-long sequences: the answer must be scored whole.
        var rows = answers.Select(a => Fit([.. promptIds, .. a], length)).ToList();

        var inputs = new long[rows.Count * length];
        Array.Fill(inputs, _tokenizer.Padding);
        for (int r = 0; r < rows.Count; r++)
            for (int i = 0; i < rows[r].Length; i++) inputs[r * length + i] = rows[r][i];

        _model.eval();
        using var noGrad = torch.no_grad();
        using var scope = torch.NewDisposeScope();
        var logits = _model.call(torch.tensor(inputs, [rows.Count, length], device: _device));   // (C, T, vocab)
        var logProbs = nn.functional.log_softmax(logits.to(ScalarType.Float32), dim: 2).cpu();       // (C, T, vocab)
        var scores = new double[rows.Count];
        for (int r = 0; r < rows.Count; r++)
        {
            int answerStart = rows[r].Length - answers[r].Length;
            double sum = 0;
            for (int i = Math.Max(1, answerStart); i < rows[r].Length; i++)
                sum += logProbs[r, i - 1, rows[r][i]].item<float>();
            scores[r] = sum;
        }
        return scores;
    }

    private static int[] Fit(int[] ids, int length) => ids.Length <= length ? ids : ids[^length..];
}
