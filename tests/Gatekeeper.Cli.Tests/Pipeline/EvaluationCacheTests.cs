using Gatekeeper.Battery;
using Gatekeeper.Pipeline;
using Gatekeeper.Specs;
using Gatekeeper.Tasks;
using Gatekeeper.Tasks.Refusal;

namespace Gatekeeper.Cli.Tests.Pipeline;

public sealed class EvaluationCacheTests : IDisposable
{
    private readonly string _folder = Path.Combine(Path.GetTempPath(), "gk-cache-" + Guid.NewGuid().ToString("N"));

    public EvaluationCacheTests()
    {
        Directory.CreateDirectory(_folder);
        File.WriteAllText(Path.Combine(_folder, "refusal.jsonl"), "{\"prompt\":\"p\",\"label\":\"harmful\"}\n");
    }

    public void Dispose() => Directory.Delete(_folder, recursive: true);

    private TaskSpec Refusal(IReadOnlyList<string>? markers = null) => new()
    {
        Name = "refusal", Category = TaskCategory.Safety, Kind = TaskKind.Refusal, Data = Path.Combine(_folder, "refusal.jsonl"), Settings = new RefusalSettings { Markers = markers ?? [] },
    };

    private const string ModelA = "aaaa", ModelB = "bbbb", Cpu = "cpu, float32";

    [Fact]
    public void AnotherModel_NeverHitsTheEntryOfThisOne()
    {
        var cache = new EvaluationCache(Path.Combine(_folder, "cache"), "1.0.0");
        var task = Refusal();
        cache.Put(cache.Key(ModelA, task, Cpu), [new ItemOutcome { Task = "refusal", ItemId = "1", Prompt = "p", Expected = "", Output = "I can't", Correct = true }]);

        Assert.NotNull(cache.TryGet(cache.Key(ModelA, task, Cpu)));
        Assert.Null(cache.TryGet(cache.Key(ModelB, task, Cpu)));
        Assert.Null(cache.TryGet(cache.Key(ModelA, task, "cpu, bfloat16")));
    }

    [Fact]
    public void Key_HoldsTheCodeVersionAndTheRefusalPhrasesActuallyUsed()
    {
        var cache = new EvaluationCache(_folder, "1.0.0");
        Assert.NotEqual(cache.Key(ModelA, Refusal(), Cpu), new EvaluationCache(_folder, "1.0.1").Key(ModelA, Refusal(), Cpu));
        // No phrases means the detector's defaults: the key is that of naming them, and changes with them.
        Assert.Equal(cache.Key(ModelA, Refusal(), Cpu), cache.Key(ModelA, Refusal(PhraseRefusalDetector.DefaultMarkers), Cpu));
        Assert.NotEqual(cache.Key(ModelA, Refusal(), Cpu), cache.Key(ModelA, Refusal([.. PhraseRefusalDetector.DefaultMarkers.Skip(1)]), Cpu));
    }

    [Fact]
    public void Key_ChangesWithTheFewShotExamplesFile()
    {
        var cache = new EvaluationCache(_folder, "1.0.0");
        var shots = Path.Combine(_folder, "shots.jsonl");
        File.WriteAllText(shots, "{\"prompt\":\"1 + 1?\",\"answer\":\"2\"}\n");
        var task = Refusal() with { Kind = TaskKind.Generate, Settings = TaskSettings.None, FewShot = new FewShotSpec { Data = shots, Count = 1 } };
        var before = cache.Key(ModelA, task, Cpu);
        Assert.NotEqual(cache.Key(ModelA, task with { FewShot = null }, Cpu), before);
        File.AppendAllText(shots, "{\"prompt\":\"2 + 2?\",\"answer\":\"4\"}\n");
        Assert.NotEqual(before, cache.Key(ModelA, task, Cpu));
    }

    [Fact]
    public void Key_ChangesWithTheDataBytes()
    {
        var cache = new EvaluationCache(_folder, "1.0.0");
        var before = cache.Key(ModelA, Refusal(), Cpu);
        File.AppendAllText(Path.Combine(_folder, "refusal.jsonl"), "{\"prompt\":\"q\",\"label\":\"benign\"}\n");
        Assert.NotEqual(before, cache.Key(ModelA, Refusal(), Cpu));
    }
}
