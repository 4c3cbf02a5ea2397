using Gatekeeper.Tasks;
using Gatekeeper.Torch.Compute;
using Gatekeeper.Torch.Inference;
using Gatekeeper.Torch.Modeling;
using Gatekeeper.Torch.Modeling.Llama;
using TorchSharp;
using static TorchSharp.torch;

namespace Gatekeeper.Torch.Tests.Inference;

/// <summary>
/// Batching changes how fast the battery runs, never what it answers: a left-padded batch gives
/// each row the logits it has alone, in both families (GPT-2's learned positions, Llama's rotary
/// ones with grouped-query attention), and batched scoring and generation equal one row at a time.
/// </summary>
public class BatchedInferenceTests
{
    private const double LogitTolerance = 1e-4;

    public static TheoryData<string> Families => ["gpt2", "llama"];

    internal static CausalLanguageModel Create(string family)
    {
        if (family == "gpt2") return TinyModels.Create(seed: 7, context: 64);
        var model = ComputeTarget.Cpu.Create(new LlamaConfig
        {
            Type = "llama", VocabSize = TinyModels.Tokenizer.VocabSize, ContextLength = 64, MaxPositionEmbeddings = 64, Layers = 2, Hidden = 32,
            Intermediate = 64, Heads = 4, KeyValueHeads = 2, HeadDim = 8, TieWordEmbeddings = false,
        });
        using var noGrad = torch.no_grad();
        var generator = new Generator(7);
        foreach (var (name, parameter) in model.named_parameters())
        {
            if (name.EndsWith("norm.weight", StringComparison.Ordinal)) parameter.fill_(1.0);
            else parameter.normal_(0, 0.1, generator);
        }
        return model;
    }

    [Theory]
    [MemberData(nameof(Families))]
    public void LeftPaddedBatch_GivesEachRowTheLogitsItHasAlone_ThroughDecodingAndRowsLeaving(string family)
    {
        using var model = Create(family);
        model.eval();
        using var noGrad = torch.no_grad();
        var random = new Random(3);
        int[][] prompts = [.. new[] { 3, 14, 9 }.Select(n => Enumerable.Range(0, n).Select(_ => random.Next(3, 200)).ToArray())];
        int length = prompts.Max(p => p.Length);
        var padding = prompts.Select(p => length - p.Length).ToArray();
        var inputs = new long[prompts.Length * length];
        for (int r = 0; r < prompts.Length; r++)
            for (int i = 0; i < prompts[r].Length; i++) inputs[r * length + padding[r] + i] = prompts[r][i];

        using var batchCache = model.NewCache(padding);
        var alone = prompts.Select(_ => model.NewCache()).ToArray();
        using var scope = torch.NewDisposeScope();
        var batched = model.Forward(torch.tensor(inputs, [prompts.Length, length]), batchCache);               // (B, T, vocab)
        for (int r = 0; r < prompts.Length; r++)
        {
            var own = model.Forward(torch.tensor(prompts[r].Select(t => (long)t).ToArray(), [1, prompts[r].Length]), alone[r]);   // (1, t, vocab)
            AssertClose(own[0], batched[r, padding[r]..], $"{family} row {r}, prompt");
        }
        // Decode three steps; after the first, row 1 leaves and the others go on in a new order.
        var rows = new List<int> { 0, 1, 2 };
        for (int step = 0; step < 3; step++)
        {
            if (step == 1)
            {
                rows = [2, 0];
                batchCache.Keep([2, 0]);
            }
            var next = rows.Select(r => (long)random.Next(3, 200)).ToArray();
            var stepLogits = model.Forward(torch.tensor(next, [rows.Count, 1]), batchCache);                    // (b, 1, vocab)
            for (int j = 0; j < rows.Count; j++)
            {
                var own = model.Forward(torch.tensor(new[] { next[j] }, [1, 1]), alone[rows[j]]);
                AssertClose(own[0], stepLogits[j], $"{family} row {rows[j]}, step {step}");
            }
        }
        foreach (var cache in alone) cache.Dispose();
    }

    [Theory]
    [MemberData(nameof(Families))]
    public void Generation_Batched_EqualsOneAtATime(string family)
    {
        using var model = Create(family);
        var requests = Enumerable.Range(0, 12).Select(i => new GenerationRequest(new string('a', i * 3) + $"Question {i}?", 4 + i % 5)
        {
            Stop = i % 3 == 0 ? ["e", "a"] : [],
        }).ToList();
        // One prompt too long for the context is cut to its end, as alone.
        requests.Add(new GenerationRequest(new string('z', 100) + "?", 6));

        var one = new GreedyGenerator(model, TinyModels.Tokenizer, InferenceBudget.Unbatched).Answers(requests);
        int batches = 0;
        var batched = new GreedyGenerator(model, TinyModels.Tokenizer).Answers(requests, answered: _ => batches++);

        Assert.Equal(one, batched);
        Assert.True(batches < requests.Count, $"{batches} batches for {requests.Count} requests: nothing was batched");
        // A model whose answers hardly depend on the prompt could not tell a wrong position or mask apart.
        Assert.True(one.Distinct().Count() >= requests.Count / 2, $"only {one.Distinct().Count()} distinct answers: {string.Join(" | ", one)}");
    }

    [Theory]
    [MemberData(nameof(Families))]
    public void Scoring_Batched_EqualsOneAtATime(string family)
    {
        using var model = Create(family);
        var items = Enumerable.Range(0, 9).Select(i => ($"Pick {new string('x', i * 4)}:", (IReadOnlyList<string>)["red", "a much longer blue", $"green {i}"])).ToList();
        var one = new ChoiceScorer(model, TinyModels.Tokenizer, InferenceBudget.Unbatched).LogLikelihoods(items);
        var batched = new ChoiceScorer(model, TinyModels.Tokenizer).LogLikelihoods(items);
        for (int i = 0; i < items.Count; i++)
            for (int c = 0; c < 3; c++) Assert.Equal(one[i][c], batched[i][c], 3);

        // Passages shorter and longer than the context (64): windows of several passages share batches.
        var texts = Enumerable.Range(0, 7).Select(i => string.Concat(Enumerable.Repeat($"word{i} ", 4 + i * 6))).ToList();
        var aloneTexts = new TextScorer(model, TinyModels.Tokenizer, InferenceBudget.Unbatched).LogLikelihoods(texts);
        var batchedTexts = new TextScorer(model, TinyModels.Tokenizer).LogLikelihoods(texts);
        for (int i = 0; i < texts.Count; i++)
        {
            Assert.Equal(aloneTexts[i].Tokens, batchedTexts[i].Tokens);
            Assert.Equal(aloneTexts[i].LogLikelihood, batchedTexts[i].LogLikelihood, 2);
        }
        Assert.Contains(aloneTexts, t => t.Tokens > 64);
    }

    private static void AssertClose(Tensor expected, Tensor actual, string what)
    {
        Assert.Equal(expected.shape, actual.shape);
        double worst = (expected - actual).abs().max().item<float>();
        Assert.True(worst < LogitTolerance, $"{what}: largest logit difference {worst:E2} (tolerance {LogitTolerance:E0})");
    }
}
