using Gatekeeper.Torch.Modeling;
using Gatekeeper.Torch.Tokenization;
using TorchSharp;
using static TorchSharp.torch;

namespace Gatekeeper.Torch.Inference;

/// <summary>
/// The log-likelihood of a whole passage, every token predicted from the ones before it. The first
/// token is predicted after the end-of-turn token (lm-evaluation-harness starts from the
/// end-of-text token the same way); a passage longer than the context is scored in windows of the
/// context's length, each starting from the last token of the window before. Windows are sorted by
/// length and scored in right-padded batches the budget allows.
/// </summary>
public sealed class TextScorer
{
    private readonly CausalLanguageModel _model;
    private readonly ITokenizer _tokenizer;
    private readonly InferenceBudget _budget;

    public TextScorer(CausalLanguageModel model, ITokenizer tokenizer, InferenceBudget? budget = null)
    {
        _model = model;
        _tokenizer = tokenizer;
        _budget = budget ?? InferenceBudget.Default;
    }

    /// <returns>The sum of log p over the passage's tokens, in nats, and how many tokens that is.</returns>
    public (double LogLikelihood, int Tokens) LogLikelihood(string text) => LogLikelihoods([text])[0];

    /// <summary>Each passage's log-likelihood and token count, in the passages' order; <paramref name="scored"/> is told how many passages each batch finished.</summary>
    public (double LogLikelihood, int Tokens)[] LogLikelihoods(IReadOnlyList<string> texts, Action<int>? scored = null, CancellationToken cancellation = default)
    {
        int window = _model.Config.ContextLength;
        var tokens = texts.Select(_tokenizer.Encode).ToArray();
        // Every window of every passage: (passage, inputs, targets).
        var windows = new List<(int Passage, long[] Inputs, long[] Targets)>();
        for (int p = 0; p < tokens.Length; p++)
        {
            for (int start = 0; start < tokens[p].Length; start += window)
            {
                int count = Math.Min(window, tokens[p].Length - start);
                // Inputs: the token before the window, then all but the window's last; each predicts the next.
                var inputs = new long[count];
                inputs[0] = start == 0 ? _tokenizer.EndOfTurn : tokens[p][start - 1];
                for (int i = 1; i < count; i++) inputs[i] = tokens[p][start + i - 1];
                windows.Add((p, inputs, [.. tokens[p][start..(start + count)].Select(t => (long)t)]));
            }
        }
        var sums = new double[texts.Count];
        var remaining = tokens.Select(t => (t.Length + window - 1) / window).ToArray();
        var order = Enumerable.Range(0, windows.Count).OrderBy(w => windows[w].Inputs.Length).ToList();
        _model.eval();
        using var inference = torch.inference_mode();
        for (int at = 0; at < order.Count;)
        {
            cancellation.ThrowIfCancellationRequested();
            // Sorted by length, so the batch's last window is its longest.
            int size = 1;
            while (at + size < order.Count && size + 1 <= _budget.Rows(_model.Config, windows[order[at + size]].Inputs.Length)) size++;
            var batch = order.GetRange(at, size);
            at += size;
            var scores = Score([.. batch.Select(w => windows[w])], windows[batch[^1]].Inputs.Length);
            int finished = 0;
            for (int b = 0; b < batch.Count; b++)
            {
                int passage = windows[batch[b]].Passage;
                sums[passage] += scores[b];
                if (--remaining[passage] == 0) finished++;
            }
            if (finished > 0) scored?.Invoke(finished);
        }
        return [.. sums.Select((sum, p) => (sum, tokens[p].Length))];
    }

    private double[] Score(IReadOnlyList<(int Passage, long[] Inputs, long[] Targets)> windows, int length)
    {
        var inputs = new long[windows.Count * length];
        var targets = new long[windows.Count * length];
        var counted = new float[windows.Count * length];
        Array.Fill(inputs, _tokenizer.Padding);
        for (int w = 0; w < windows.Count; w++)
        {
            Array.Copy(windows[w].Inputs, 0, inputs, w * length, windows[w].Inputs.Length);
            Array.Copy(windows[w].Targets, 0, targets, w * length, windows[w].Targets.Length);
            Array.Fill(counted, 1f, w * length, windows[w].Targets.Length);
        }
        using var scope = torch.NewDisposeScope();
        var device = _model.Device;
        var logits = _model.call(torch.tensor(inputs, [windows.Count, length], device: device));                    // (W, T, vocab)
        var logProbs = nn.functional.log_softmax(logits.to(ScalarType.Float32), dim: 2);                              // (W, T, vocab)
        var picked = logProbs.gather(2, torch.tensor(targets, [windows.Count, length, 1], device: device)).squeeze(2); // (W, T)
        var sums = (picked * torch.tensor(counted, [windows.Count, length], device: device)).sum(1).to(ScalarType.Float64).cpu();
        return sums.data<double>().ToArray();
    }
}
