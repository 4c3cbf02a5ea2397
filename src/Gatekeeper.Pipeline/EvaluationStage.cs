using System.Text;
using System.Text.Json;
using Gatekeeper.Battery;
using Gatekeeper.Specs;
using Gatekeeper.Tasks;
using Gatekeeper.Torch.Checkpoints;
using Gatekeeper.Torch.Compute;
using Gatekeeper.Torch.Evaluation;
using Gatekeeper.Torch.Inference;

namespace Gatekeeper.Pipeline;

/// <summary>One model's outcomes on (a shard of) the battery's single-model tasks, with what they were made from.</summary>
public sealed record ModelEvaluation(ShardManifest Manifest, IReadOnlyList<ItemOutcome> Outcomes)
{
    /// <summary>Every task came from the evaluation cache.</summary>
    public bool Cached { get; init; }

    public BatteryResult AsResult() => new(Manifest.ModelSha256, Outcomes);

    /// <summary>Writes <c>outcomes.jsonl</c> and <c>shard.json</c> into <paramref name="folder"/> (replaced), whole or not at all.</summary>
    public void Write(string folder)
    {
        var staging = AtomicFolder.Stage(folder);
        OutcomeFile.Write(Path.Combine(staging, ShardManifest.OutcomesFileName), Outcomes);
        File.WriteAllText(Path.Combine(staging, ShardManifest.FileName), JsonSerializer.Serialize(Manifest, EvaluationStage.Json));
        AtomicFolder.Commit(staging, folder);
    }

    /// <summary>An evaluation as <see cref="Write"/> left it in <paramref name="folder"/>.</summary>
    public static ModelEvaluation Read(string folder)
    {
        var path = Path.Combine(folder, ShardManifest.FileName);
        if (!File.Exists(path))
            throw new BadInputException(path, null, "not found: give a folder written by 'gatekeeper eval' or 'gatekeeper merge'.");
        ShardManifest manifest;
        try
        {
            manifest = JsonSerializer.Deserialize<ShardManifest>(File.ReadAllText(path), EvaluationStage.Json) ?? throw new JsonException("empty");
        }
        catch (JsonException e)
        {
            throw new BadInputException(path, null, $"not an evaluation manifest ({e.Message}); give a folder written by 'gatekeeper eval' or 'gatekeeper merge'.");
        }
        return new ModelEvaluation(manifest, OutcomeFile.Read(Path.Combine(folder, ShardManifest.OutcomesFileName)));
    }
}

/// <summary>
/// The evaluation stage: one model over (a shard of) the battery's single-model tasks, so CI can
/// split it across runners, and the merge of all shards back into the evaluation an unsharded run
/// makes. Tasks that compare two models (drift) are left to <see cref="DecideStage"/>, which holds both.
/// </summary>
public static class EvaluationStage
{
    internal static readonly JsonSerializerOptions Json = new() { PropertyNamingPolicy = JsonNamingPolicy.SnakeCaseLower, WriteIndented = true };

    /// <summary>The battery's tasks that one model answers on its own, with their items, in the battery's order.</summary>
    public static IReadOnlyList<(TaskSpec Task, IReadOnlyList<TaskItem> Items)> SingleModelTasks(GateSpec spec) =>
        [.. spec.Battery.Where(t => t.Kind is not IComparingTaskKind).Select(t => (t, TaskItemReader.Read(t)))];

    /// <summary>
    /// Evaluates <paramref name="shard"/> of <paramref name="battery"/> with <paramref name="checkpoint"/>. A whole
    /// battery is answered task by task from the cache where it can; a shard always afresh.
    /// </summary>
    public static ModelEvaluation Evaluate(string role, Checkpoint checkpoint, IReadOnlyList<(TaskSpec Task, IReadOnlyList<TaskItem> Items)> battery,
        Shard shard, EvaluationCache cache, InferenceBudget budget, IGateObserver observer, CancellationToken cancellation)
    {
        var started = DateTimeOffset.UtcNow;
        var sha = checkpoint.Manifest.ContentSha256;
        var compute = ComputeTarget.Of(checkpoint.Model).ToString();
        var slice = shard.Select([.. battery]).Where(s => s.Items.Count > 0).ToList();
        var manifest = new ShardManifest
        {
            ModelSha256 = sha,
            ModelMethod = checkpoint.Manifest.Method,
            Compute = compute,
            CodeVersion = cache.CodeVersion,
            BatterySha256 = BatteryIdentity(battery.Select(b => b.Task), compute, cache),
            Shard = shard.Index,
            Of = shard.Count,
            Items = slice.Sum(s => s.Items.Count),
            Started = started,
        };
        var outcomes = new List<ItemOutcome>();
        var missing = new List<(TaskSpec Task, IReadOnlyList<TaskItem> Items, string Key)>();
        foreach (var (task, items) in slice)
        {
            var key = cache.Key(sha, task, compute);
            if (shard.IsWhole && cache.TryGet(key) is { } cached) outcomes.AddRange(cached);
            else missing.Add((task, items, key));
        }
        if (missing.Count == 0)
        {
            if (slice.Count > 0) observer.Stage($"Evaluating the {role} ({sha[..12]}): all {slice.Count} tasks cached.");
            return new ModelEvaluation(manifest with { Ended = DateTimeOffset.UtcNow }, outcomes) { Cached = true };
        }
        observer.Stage(shard.IsWhole
            ? $"Evaluating the {role} ({sha[..12]}) on {missing.Count} tasks" + (missing.Count < slice.Count ? $" ({slice.Count - missing.Count} cached)." : ".")
            : $"Evaluating shard {shard} of the battery with the {role} ({sha[..12]}): {manifest.Items} of {battery.Sum(b => b.Items.Count)} items.");
        var fresh = BatteryEvaluator.Evaluate(checkpoint, role, missing.Select(m => (m.Task, m.Items)).ToList(), new Progress(observer), cancellation, budget);
        if (shard.IsWhole)
            foreach (var (task, _, key) in missing) cache.Put(key, fresh.ForTask(task.Name));
        outcomes.AddRange(fresh.Outcomes);
        // Keep the battery's order whatever came from the cache.
        var order = battery.Select((b, i) => (b.Task.Name, i)).ToDictionary(x => x.Name, x => x.i);
        return new ModelEvaluation(manifest with { Ended = DateTimeOffset.UtcNow }, [.. outcomes.OrderBy(o => order[o.Task])]);
    }

    /// <summary>The evaluations in <paramref name="folders"/>, shards of one model's evaluation, as the one evaluation an unsharded run makes.</summary>
    public static ModelEvaluation Merge(GateSpec spec, IReadOnlyList<string> folders)
    {
        var shards = folders.Select(folder =>
        {
            var evaluation = ModelEvaluation.Read(folder);
            return (folder, evaluation.Manifest, evaluation.Outcomes);
        }).ToList();
        var order = SingleModelTasks(spec).Select(b => (b.Task.Name, (IReadOnlyList<string>)[.. b.Items.Select(i => i.Id)])).ToList();
        var merged = ShardMerger.Merge(order, shards);
        return new ModelEvaluation(shards[0].Manifest with
        {
            Shard = 1, Of = 1, Items = merged.Count, Started = shards.Min(s => s.Manifest.Started), Ended = shards.Max(s => s.Manifest.Ended),
        }, merged);
    }

    /// <summary>
    /// Every task's definition and data, on this device and dtype, for this program: the evaluation
    /// cache's keys without the model, hashed together. Two evaluations with the same identity
    /// asked the same questions the same way.
    /// </summary>
    public static string BatteryIdentity(IEnumerable<TaskSpec> tasks, string compute, EvaluationCache cache) =>
        FileHash.Sha256(Encoding.UTF8.GetBytes(string.Join("\n", tasks.Select(t => cache.Key("", t, compute)))));

    private sealed class Progress(IGateObserver observer) : IProgress<EvaluationProgress>
    {
        public void Report(EvaluationProgress value) => observer.Evaluation(value);
    }
}
