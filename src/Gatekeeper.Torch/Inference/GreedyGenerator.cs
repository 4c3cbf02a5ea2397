using Gatekeeper.Tasks;
using Gatekeeper.Torch.Modeling;
using Gatekeeper.Torch.Tokenization;
using TorchSharp;
using static TorchSharp.torch;

namespace Gatekeeper.Torch.Inference;

/// <summary>
/// Greedy decoding with a KV cache: the prompt is read once, then each new token costs one
/// position. A row stops at the end-of-turn token, at its token limit, once its text holds one of
/// its stop sequences, or at the model's context. Prompts are sorted by length and decoded in
/// batches the budget allows, left-padded, each row with its own positions and attention over its
/// own tokens; a row that stops leaves the batch, so the rest run on without it.
/// </summary>
public sealed class GreedyGenerator
{
    private readonly CausalLanguageModel _model;
    private readonly ITokenizer _tokenizer;
    private readonly InferenceBudget _budget;

    public GreedyGenerator(CausalLanguageModel model, ITokenizer tokenizer, InferenceBudget? budget = null)
    {
        _model = model;
        _tokenizer = tokenizer;
        _budget = budget ?? InferenceBudget.Default;
    }

    /// <summary>The model's answer to a chat prompt, decoded to text.</summary>
    public string Answer(string prompt, int maxNewTokens) => Answers([new GenerationRequest(prompt, maxNewTokens)])[0];

    /// <summary>Each request's answer, in the requests' order; <paramref name="answered"/> is told how many each batch finished.</summary>
    public string[] Answers(IReadOnlyList<GenerationRequest> requests, Action<int>? answered = null, CancellationToken cancellation = default) =>
        [.. Generate(requests, answered, cancellation).Select(_tokenizer.Decode)];

    /// <summary>Each request's generated token ids (the end-of-turn token left out), in the requests' order.</summary>
    public int[][] Generate(IReadOnlyList<GenerationRequest> requests, Action<int>? answered = null, CancellationToken cancellation = default)
    {
        int context = _model.Config.ContextLength;
        var prompts = requests.Select(r =>
        {
            var ids = _tokenizer.EncodePrompt(r.Prompt);
            return ids.Length >= context ? ids[^(context - 1)..] : ids;
        }).ToArray();
        var answers = new int[requests.Count][];
        var order = Enumerable.Range(0, requests.Count).OrderBy(i => prompts[i].Length).ToList();
        _model.eval();
        using var inference = torch.inference_mode();
        for (int at = 0; at < order.Count;)
        {
            cancellation.ThrowIfCancellationRequested();
            // Sorted by prompt length, so the batch's last row is its longest; the cache grows to that plus the largest limit.
            int size = 1, newTokens = requests[order[at]].MaxNewTokens;
            while (at + size < order.Count)
            {
                int next = order[at + size];
                int tokens = Math.Max(newTokens, requests[next].MaxNewTokens);
                if (size + 1 > _budget.Rows(_model.Config, Math.Min(context, prompts[next].Length + tokens))) break;
                (size, newTokens) = (size + 1, tokens);
            }
            var batch = order.GetRange(at, size);
            at += size;
            var texts = Decode([.. batch.Select(i => prompts[i])], [.. batch.Select(i => requests[i])], cancellation);
            for (int b = 0; b < batch.Count; b++) answers[batch[b]] = texts[b];
            answered?.Invoke(batch.Count);
        }
        return answers;
    }

    /// <summary>Greedy decoding of one batch, the prompts left-padded to the longest.</summary>
    private int[][] Decode(IReadOnlyList<int[]> prompts, IReadOnlyList<GenerationRequest> requests, CancellationToken cancellation)
    {
        int context = _model.Config.ContextLength;
        int length = prompts.Max(p => p.Length);
        var padding = prompts.Select(p => length - p.Length).ToArray();
        var inputs = new long[prompts.Count * length];
        Array.Fill(inputs, _tokenizer.Padding);
        for (int r = 0; r < prompts.Count; r++)
            for (int i = 0; i < prompts[r].Length; i++) inputs[r * length + padding[r] + i] = prompts[r][i];

        var produced = prompts.Select(_ => new List<int>()).ToArray();
        var active = Enumerable.Range(0, prompts.Count).ToList();   // the batch's rows still decoding, in the cache's order
        using var cache = _model.NewCache(padding);
        using var scope = torch.NewDisposeScope();
        var input = torch.tensor(inputs, [prompts.Count, length], device: _model.Device);   // (B, T)
        // A row alone would read its prompt, then take a token while under its limit and within the context.
        bool Continues(int row) => produced[row].Count < requests[row].MaxNewTokens && prompts[row].Length + produced[row].Count <= context
            && !StopsAtText(produced[row], requests[row].Stop);
        active.RemoveAll(row => !Continues(row));
        while (active.Count > 0)
        {
            cancellation.ThrowIfCancellationRequested();
            using var stepScope = torch.NewDisposeScope();
            // Only the last position's next token is needed: the head reads that position alone.
            var logits = _model.Head(_model.HiddenStates(input, cache).select(1, -1));            // (b, vocab)
            var next = logits.argmax(-1).cpu().data<long>().ToArray();                            // (b)
            var keep = new List<int>();
            for (int j = 0; j < active.Count; j++)
            {
                int row = active[j], token = (int)next[j];
                if (_tokenizer.Stops(token)) continue;
                produced[row].Add(token);
                if (Continues(row)) keep.Add(j);
            }
            if (keep.Count == 0) break;
            if (keep.Count < active.Count) cache.Keep(keep);
            active = [.. keep.Select(j => active[j])];
            input = torch.tensor(keep.Select(j => next[j]).ToArray(), [keep.Count, 1], device: _model.Device).MoveToOuterDisposeScope();
        }
        return [.. produced.Select(p => p.ToArray())];
    }

    private bool StopsAtText(List<int> produced, IReadOnlyList<string> stop)
    {
        if (stop.Count == 0 || produced.Count == 0) return false;
        var text = _tokenizer.Decode(produced);
        return stop.Any(s => text.Contains(s, StringComparison.Ordinal));
    }
}
