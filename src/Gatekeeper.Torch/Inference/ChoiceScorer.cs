using Gatekeeper.Torch.Modeling;
using Gatekeeper.Torch.Tokenization;
using TorchSharp;
using static TorchSharp.torch;

namespace Gatekeeper.Torch.Inference;

/// <summary>
/// Log-likelihood of each choice as the answer to a prompt: the sum of log p over the choice's
/// tokens and its end-of-turn token. Items are sorted by length and scored in batches the budget
/// allows, every choice of an item in the same batch; rows are padded on the right, which a causal
/// model never attends to, so each row scores as it would alone.
/// </summary>
public sealed class ChoiceScorer
{
    private readonly CausalLanguageModel _model;
    private readonly ITokenizer _tokenizer;
    private readonly InferenceBudget _budget;

    public ChoiceScorer(CausalLanguageModel model, ITokenizer tokenizer, InferenceBudget? budget = null)
    {
        _model = model;
        _tokenizer = tokenizer;
        _budget = budget ?? InferenceBudget.Default;
    }

    public double[] LogLikelihoods(string prompt, IReadOnlyList<string> choices) => LogLikelihoods([(prompt, choices)])[0];

    /// <summary>Each item's choices' log-likelihoods, in the items' order; <paramref name="scored"/> is told how many items each batch finished.</summary>
    public double[][] LogLikelihoods(IReadOnlyList<(string Prompt, IReadOnlyList<string> Choices)> items, Action<int>? scored = null,
        CancellationToken cancellation = default)
    {
        int context = _model.Config.ContextLength;
        var rows = items.Select(item =>
        {
            var promptIds = _tokenizer.EncodePrompt(item.Prompt);
            // Keep the end of over-long sequences: the answer must be scored whole.
            return item.Choices.Select(c => _tokenizer.EncodeAnswer(c)).Select(a => new Row(Fit([.. promptIds, .. a], context), a.Length)).ToArray();
        }).ToArray();
        var results = new double[items.Count][];
        var order = Enumerable.Range(0, items.Count).OrderBy(i => rows[i].Max(r => r.Ids.Length)).ToList();
        _model.eval();
        using var inference = torch.inference_mode();
        for (int at = 0; at < order.Count;)
        {
            cancellation.ThrowIfCancellationRequested();
            // As many items as fit, by the longest row among them (the batch's length once padded).
            var batch = new List<int> { order[at++] };
            int length = rows[batch[0]].Max(r => r.Ids.Length), count = rows[batch[0]].Length;
            while (at < order.Count)
            {
                var next = rows[order[at]];
                int longer = Math.Max(length, next.Max(r => r.Ids.Length));
                if (count + next.Length > _budget.Rows(_model.Config, longer)) break;
                (length, count) = (longer, count + next.Length);
                batch.Add(order[at++]);
            }
            var scores = Score([.. batch.SelectMany(i => rows[i])], length);
            int offset = 0;
            foreach (var i in batch)
            {
                results[i] = scores[offset..(offset + rows[i].Length)];
                offset += rows[i].Length;
            }
            scored?.Invoke(batch.Count);
        }
        return results;
    }

    private sealed record Row(int[] Ids, int AnswerLength);

    /// <summary>Every row's sum of log p over its answer's tokens, the rows right-padded to <paramref name="length"/>.</summary>
    private double[] Score(IReadOnlyList<Row> rows, int length)
    {
        var inputs = new long[rows.Count * length];
        Array.Fill(inputs, _tokenizer.Padding);
        // Position i - 1 predicts token i; the answer's tokens are the ones counted: their positions
        // in the flattened batch, what each predicts, and whose row it is.
        var positions = new List<long>();
        var targets = new List<long>();
        var owners = new List<long>();
        for (int r = 0; r < rows.Count; r++)
        {
            var ids = rows[r].Ids;
            for (int i = 0; i < ids.Length; i++) inputs[r * length + i] = ids[i];
            for (int i = Math.Max(1, ids.Length - rows[r].AnswerLength); i < ids.Length; i++)
            {
                positions.Add(r * length + i - 1);
                targets.Add(ids[i]);
                owners.Add(r);
            }
        }
        using var scope = torch.NewDisposeScope();
        var device = _model.Device;
        var hidden = _model.HiddenStates(torch.tensor(inputs, [rows.Count, length], device: device), null);       // (R, T, C)
        // The head over the answers' positions only: the vocabulary-wide work is the answers', not the prompts'.
        var picked = hidden.flatten(0, 1).index_select(0, torch.tensor(positions.ToArray(), device: device));   // (N, C)
        var logProbs = nn.functional.log_softmax(_model.Head(picked).to(ScalarType.Float32), dim: 1);            // (N, vocab)
        var scores = logProbs.gather(1, torch.tensor(targets.ToArray(), device: device).unsqueeze(1)).squeeze(1); // (N)
        var sums = torch.zeros(rows.Count, dtype: ScalarType.Float32, device: device)
            .index_add(0, torch.tensor(owners.ToArray(), device: device), scores, 1.0).to(ScalarType.Float64).cpu();   // (R)
        return sums.data<double>().ToArray();
    }

    private static int[] Fit(int[] ids, int length) => ids.Length <= length ? ids : ids[^length..];
}
