using System.Diagnostics;
using System.Globalization;
using Gatekeeper.Specs;
using Gatekeeper.Tasks;
using Gatekeeper.Torch.Checkpoints;
using Gatekeeper.Torch.Compute;
using Gatekeeper.Torch.Inference;
using Gatekeeper.Torch.Modeling;
using Gatekeeper.Torch.Modeling.Gpt2;
using Gatekeeper.Torch.Tokenization;
using TorchSharp;
using static TorchSharp.torch;

// Inference throughput, measured in one run: scoring tokens/s batched and one item at a time, and
// generation tokens/s batched, one item at a time, and one item at a time without the KV cache
// (each the best of three runs),
// on the embedded base and on a GPT-2-small-sized model with random weights. Every variant must
// give the same answers; the program says so, or exits 1.
//
//   dotnet run -c Release --project tests/Gatekeeper.Benchmarks [-- --threads N] [--quick] [--rows N] [--gpt2-small]
CultureInfo.DefaultThreadCurrentCulture = CultureInfo.InvariantCulture;
CultureInfo.CurrentCulture = CultureInfo.InvariantCulture;
int threads = args.SkipWhile(a => a != "--threads").Skip(1).Select(int.Parse).FirstOrDefault(torch.get_num_threads());
bool quick = args.Contains("--quick");
// The batched runs' budget: the default, or at most --rows rows a batch (to find the batch size that suits a machine).
var budget = args.SkipWhile(a => a != "--rows").Skip(1).Select(int.Parse).Select(rows => InferenceBudget.Default with { MaxRows = rows }).FirstOrDefault(InferenceBudget.Default);
bool onlySmall = args.Contains("--gpt2-small");
torch.set_num_threads(threads);
Console.WriteLine($"Gatekeeper inference benchmark: {Environment.ProcessorCount} cores, torch on {threads} threads, {(quick ? "quick" : "full")} sizes, {DateTime.UtcNow:yyyy-MM-dd HH:mm} UTC.");

var limits = MachineLimits.Measure();
Console.WriteLine($"The machine's own limits, measured: float32 matrix products at {limits.Gflops:F0} GFLOP/s, memory copied at {limits.GigabytesPerSecond:F1} GB/s.");

var root = FindRepository();
using var embedded = Checkpoint.Load(Path.Combine(root, "gates", "base"), ComputeTarget.Cpu);
var tokenizer = PromptFormats.Apply(embedded.Tokenizer, PromptFormat.Plain, embedded.Directory);
bool same = onlySmall || Benchmark.Run("embedded base", embedded.Model, tokenizer, budget, limits, items: quick ? 16 : 64, newTokens: 24, uncachedItems: quick ? 4 : 16);

// GPT-2 small's shape (124M parameters: 12 layers, width 768, 12 heads, 50257 tokens, context 1024).
torch.manual_seed(1);
using var small = new Gpt2LMHeadModel(Gpt2Config.Small(vocabSize: 50257, context: 1024, layers: 12, heads: 12, width: 768));
small.InitializeWeights(1);
same &= Benchmark.Run("GPT-2-small-sized, random weights", small, new ByteTokenizer(), budget, limits, items: quick ? 4 : 16, newTokens: quick ? 8 : 16, uncachedItems: quick ? 1 : 4);
return same ? 0 : 1;

static string FindRepository()
{
    for (var folder = new DirectoryInfo(AppContext.BaseDirectory); folder is not null; folder = folder.Parent)
        if (File.Exists(Path.Combine(folder.FullName, "Gatekeeper.sln"))) return folder.FullName;
    throw new DirectoryNotFoundException("Run the benchmark from inside the repository: it loads gates/base.");
}

internal static class Benchmark
{
    public static bool Run(string name, CausalLanguageModel model, ITokenizer tokenizer, InferenceBudget budget, MachineLimits limits, int items, int newTokens, int uncachedItems)
    {
        Console.WriteLine();
        Console.WriteLine($"## {name}: {model.ParameterCount / 1e6:F1}M parameters, context {model.Config.ContextLength}, vocabulary {model.Config.VocabSize}; batches of at most {budget.MaxRows} rows in {budget.Bytes >> 20} MiB");
        var random = new Random(11);
        // Prompts of varied lengths, as a battery's are.
        string Prompt(int i) => $"Question {i}: " + string.Join(' ', Enumerable.Range(0, 4 + random.Next(20)).Select(_ => Words[random.Next(Words.Length)])) + "?";
        var choiceItems = Enumerable.Range(0, items).Select(i => (Prompt(i), (IReadOnlyList<string>)[.. Enumerable.Range(0, 4).Select(c => Words[random.Next(Words.Length)] + " " + Words[random.Next(Words.Length)])])).ToList();
        long scoredTokens = choiceItems.Sum(item => item.Item2.Sum(c => tokenizer.EncodePrompt(item.Item1).Length + tokenizer.EncodeAnswer(c).Length));

        new ChoiceScorer(model, tokenizer, budget).LogLikelihoods(choiceItems.Take(2).ToList());   // warm up
        var (batchedScores, batchedScoring) = Time(() => new ChoiceScorer(model, tokenizer, budget).LogLikelihoods(choiceItems));
        var (singleScores, singleScoring) = Time(() => new ChoiceScorer(model, tokenizer, InferenceBudget.Unbatched).LogLikelihoods(choiceItems));
        double scoreDifference = batchedScores.Zip(singleScores).Max(p => p.First.Zip(p.Second).Max(s => Math.Abs(s.First - s.Second)));
        bool sameChoices = batchedScores.Zip(singleScores).All(p => Array.IndexOf(p.First, p.First.Max()) == Array.IndexOf(p.Second, p.Second.Max()));
        Console.WriteLine($"scoring, {items} items x 4 choices, {scoredTokens} tokens:");
        Console.WriteLine($"  batched          {scoredTokens / batchedScoring,10:F0} tokens/s  ({batchedScoring:F2} s)");
        Console.WriteLine($"  one at a time    {scoredTokens / singleScoring,10:F0} tokens/s  ({singleScoring:F2} s)   batched is {singleScoring / batchedScoring:F1}x");
        Console.WriteLine($"  same choices: {(sameChoices ? "yes" : "NO")}, largest log-likelihood difference {scoreDifference:E1}");
        // Each token costs about 2 FLOPs per weight it passes through (the embeddings are looked up, not multiplied).
        double flopsPerToken = 2.0 * MatrixWeights(model);
        Console.WriteLine($"  batched scoring does {flopsPerToken * scoredTokens / batchedScoring / 1e9:F1} GFLOP/s, {flopsPerToken * scoredTokens / batchedScoring / 1e9 / limits.Gflops:P0} of the machine's matrix-product rate");

        var requests = Enumerable.Range(0, items).Select(i => new GenerationRequest(Prompt(i), newTokens)).ToList();
        new GreedyGenerator(model, tokenizer, budget).Generate(requests.Take(2).ToList());   // warm up
        var (batched, batchedTime) = Time(() => new GreedyGenerator(model, tokenizer, budget).Generate(requests));
        var (single, singleTime) = Time(() => new GreedyGenerator(model, tokenizer, InferenceBudget.Unbatched).Generate(requests));
        var uncachedRequests = requests.Take(uncachedItems).ToList();
        var (uncached, uncachedTime) = Time(() => uncachedRequests.Select(r => WithoutCache(model, tokenizer, r)).ToArray());
        var (cachedFirst, cachedFirstTime) = Time(() => new GreedyGenerator(model, tokenizer, InferenceBudget.Unbatched).Generate(uncachedRequests));
        long Tokens(IEnumerable<int[]> answers) => answers.Sum(a => a.Length);
        static bool Same(IEnumerable<int[]> a, IEnumerable<int[]> b) => a.Zip(b).All(p => p.First.SequenceEqual(p.Second)) && a.Count() == b.Count();
        long generated = Tokens(batched), firstTokens = Tokens(uncached);
        double uncachedRate = firstTokens / uncachedTime, cachedRate = Tokens(cachedFirst) / cachedFirstTime;
        bool sameAnswers = Same(batched, single) && Same(uncached, cachedFirst);
        if (!Same(batched, single)) Console.WriteLine($"  batched and one at a time differ on {batched.Zip(single).Count(p => !p.First.SequenceEqual(p.Second))} prompts");
        if (!Same(uncached, cachedFirst)) Console.WriteLine("  with and without the cache differ");
        Console.WriteLine($"generation, {items} prompts, up to {newTokens} new tokens each, {generated} generated:");
        Console.WriteLine($"  batched, KV cache         {generated / batchedTime,8:F1} tokens/s  ({batchedTime:F2} s)   {singleTime / batchedTime:F1}x one at a time");
        Console.WriteLine($"  one at a time, KV cache   {Tokens(single) / singleTime,8:F1} tokens/s  ({singleTime:F2} s)");
        Console.WriteLine($"  the first {uncachedItems}, one at a time: KV cache {cachedRate:F1} tokens/s ({cachedFirstTime:F2} s), no cache {uncachedRate:F1} tokens/s ({uncachedTime:F2} s): the cache is {cachedRate / uncachedRate:F1}x");
        // One row at a time, every step reads every weight once: memory-bound, when the weights are beyond the caches.
        double bytesPerToken = model.ParameterCount * 4.0;
        if (bytesPerToken > 64 << 20) Console.WriteLine($"  one at a time, each new token reads the weights: {Tokens(single) / singleTime * bytesPerToken / 1e9:F1} GB/s, {Tokens(single) / singleTime * bytesPerToken / 1e9 / limits.GigabytesPerSecond:P0} of the machine's copy rate");
        Console.WriteLine($"  same answers batched, one at a time and without the cache: {(sameAnswers ? "yes" : "NO")}");
        return sameChoices && sameAnswers;
    }

    /// <summary>Weights that multiply activations: all but the token and position embeddings (a tied head is counted once, as the embedding).</summary>
    private static long MatrixWeights(CausalLanguageModel model) =>
        model.named_parameters().Where(p => !p.name.Contains("wte", StringComparison.Ordinal) && !p.name.Contains("wpe", StringComparison.Ordinal)
            && !p.name.Contains("embed_tokens", StringComparison.Ordinal)).Sum(p => p.parameter.numel());

    /// <summary>Greedy decoding that reads the whole sequence again for every new token: what the KV cache saves.</summary>
    private static int[] WithoutCache(CausalLanguageModel model, ITokenizer tokenizer, GenerationRequest request)
    {
        var prompt = tokenizer.EncodePrompt(request.Prompt);
        if (prompt.Length >= model.Config.ContextLength) prompt = prompt[^(model.Config.ContextLength - 1)..];   // as the generator cuts it
        var ids = prompt.Select(i => (long)i).ToList();
        int promptLength = ids.Count;
        model.eval();
        using var inference = torch.inference_mode();
        for (int step = 0; step < request.MaxNewTokens && ids.Count <= model.Config.ContextLength; step++)
        {
            using var scope = torch.NewDisposeScope();
            var logits = model.call(torch.tensor(ids.ToArray(), [1, ids.Count]));
            int next = (int)logits[0, -1].argmax().item<long>();
            if (tokenizer.Stops(next)) break;
            ids.Add(next);
        }
        return [.. ids.Skip(promptLength).Select(i => (int)i)];
    }

    /// <summary>The work's result and its best time of three runs: the figure least disturbed by whatever else the machine does.</summary>
    private static (T Result, double Seconds) Time<T>(Func<T> work)
    {
        T result = default!;
        double best = double.MaxValue;
        for (int run = 0; run < 3; run++)
        {
            var clock = Stopwatch.StartNew();
            result = work();
            best = Math.Min(best, clock.Elapsed.TotalSeconds);
        }
        return (result, best);
    }

    private static readonly string[] Words =
        ["the", "capital", "of", "France", "river", "seven", "plus", "three", "metres", "how", "many", "kilograms", "is", "a", "lock", "bake", "bread", "please", "answer", "briefly"];
}

/// <summary>What this machine can do at best, measured here: the figures the benchmark's are read against.</summary>
internal sealed record MachineLimits(double Gflops, double GigabytesPerSecond)
{
    public static MachineLimits Measure()
    {
        using var inference = torch.inference_mode();
        using var scope = torch.NewDisposeScope();
        const int n = 1024;
        var a = torch.randn(n, n);
        var b = torch.randn(n, n);
        torch.matmul(a, b);   // warm up
        double best = double.MaxValue;
        for (int run = 0; run < 5; run++)
        {
            var clock = Stopwatch.StartNew();
            for (int i = 0; i < 4; i++) torch.matmul(a, b).Dispose();
            best = Math.Min(best, clock.Elapsed.TotalSeconds / 4);
        }
        double gflops = 2.0 * n * n * n / best / 1e9;
        var big = torch.randn(64L << 20);   // 256 MB, far beyond any cache
        var target = torch.empty_like(big);
        target.copy_(big);   // touches every page first
        double copy = double.MaxValue;
        for (int run = 0; run < 5; run++)
        {
            var clock = Stopwatch.StartNew();
            target.copy_(big);
            copy = Math.Min(copy, clock.Elapsed.TotalSeconds);
        }
        return new MachineLimits(gflops, 2.0 * big.numel() * sizeof(float) / copy / 1e9);   // read and written
    }
}
