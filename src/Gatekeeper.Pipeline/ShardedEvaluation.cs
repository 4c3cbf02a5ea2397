using System.Text.Json;
using Gatekeeper.Battery;
using Gatekeeper.Specs;
using Gatekeeper.Tasks;
using Gatekeeper.Torch.Checkpoints;
using Gatekeeper.Torch.Compute;
using Gatekeeper.Torch.Evaluation;

namespace Gatekeeper.Pipeline;

/// <summary>
/// The evaluation stage on its own, so CI can split it across runners: one model over one shard of
/// the battery's single-model tasks, written as outcomes and a manifest; and the merge of all
/// shards back into the outcome file an unsharded evaluation writes. Tasks that compare two models
/// (drift) are left to the stage that holds both.
/// </summary>
public static class ShardedEvaluation
{
    private static readonly JsonSerializerOptions Json = new() { PropertyNamingPolicy = JsonNamingPolicy.SnakeCaseLower, WriteIndented = true };

    /// <summary>Evaluates <paramref name="shard"/> of the battery with the checkpoint in <paramref name="modelDirectory"/> into <paramref name="outputFolder"/> (replaced).</summary>
    public static ShardManifest Run(GateSpec spec, string modelDirectory, Shard shard, string outputFolder, GateRunOptions options,
        IGateObserver observer, CancellationToken cancellation = default)
    {
        var battery = SingleModelBattery(spec);
        var target = ComputeTarget.From(spec.Compute);
        observer.Stage($"Loading the model from {modelDirectory} ({target}).");
        using var checkpoint = Checkpoint.Load(modelDirectory, target);
        var slice = shard.Select(battery);
        int items = slice.Sum(s => s.Items.Count);
        observer.Stage($"Evaluating shard {shard} of the battery: {items} of {battery.Sum(b => b.Items.Count)} items.");
        var outcomes = BatteryEvaluator.Evaluate(checkpoint, $"shard {shard}", slice.Where(s => s.Items.Count > 0).ToList(), new Progress(observer), cancellation).Outcomes;
        var manifest = new ShardManifest
        {
            ModelSha256 = checkpoint.Manifest.ContentSha256,
            CodeVersion = options.CodeVersion,
            BatterySha256 = BatteryIdentity(checkpoint, battery.Select(b => b.Task), options.CodeVersion),
            Shard = shard.Index,
            Of = shard.Count,
            Items = items,
        };
        // Written whole or not at all: a cancelled shard leaves no half file to be merged.
        var staging = AtomicFolder.Stage(outputFolder);
        OutcomeFile.Write(Path.Combine(staging, ShardManifest.OutcomesFileName), outcomes);
        File.WriteAllText(Path.Combine(staging, ShardManifest.FileName), JsonSerializer.Serialize(manifest, Json));
        AtomicFolder.Commit(staging, outputFolder);
        return manifest;
    }

    /// <summary>The outcomes of every shard in <paramref name="folders"/>, in the battery's order, as one unsharded evaluation writes them.</summary>
    public static IReadOnlyList<ItemOutcome> Merge(GateSpec spec, IReadOnlyList<string> folders)
    {
        var shards = folders.Select(folder =>
        {
            var path = Path.Combine(folder, ShardManifest.FileName);
            if (!File.Exists(path)) throw new BadInputException(path, null, "not found: each folder to merge is one written by 'gatekeeper eval'.");
            ShardManifest manifest;
            try
            {
                manifest = JsonSerializer.Deserialize<ShardManifest>(File.ReadAllText(path), Json) ?? throw new JsonException("empty");
            }
            catch (JsonException e)
            {
                throw new BadInputException(path, null, $"not a shard manifest ({e.Message}).");
            }
            return (folder, manifest, OutcomeFile.Read(Path.Combine(folder, ShardManifest.OutcomesFileName)));
        }).ToList();
        var order = SingleModelBattery(spec).Select(b => (b.Task.Name, (IReadOnlyList<string>)[.. b.Items.Select(i => i.Id)])).ToList();
        return ShardMerger.Merge(order, shards);
    }

    private static List<(TaskSpec Task, IReadOnlyList<TaskItem> Items)> SingleModelBattery(GateSpec spec) =>
        [.. spec.Battery.Where(t => t.Kind is not IComparingTaskKind).Select(t => (t, TaskItemReader.Read(t)))];

    /// <summary>Every task's definition and data, for this model, device and dtype and program: the evaluation cache's keys, hashed together.</summary>
    private static string BatteryIdentity(Checkpoint checkpoint, IEnumerable<TaskSpec> tasks, string codeVersion)
    {
        var keys = new EvaluationCache("", codeVersion);
        var compute = ComputeTarget.Of(checkpoint.Model).ToString();
        return FileHash.Sha256(System.Text.Encoding.UTF8.GetBytes(string.Join("\n", tasks.Select(t => keys.Key(checkpoint.Manifest.ContentSha256, t, compute)))));
    }

    private sealed class Progress(IGateObserver observer) : IProgress<EvaluationProgress>
    {
        public void Report(EvaluationProgress value) => observer.Evaluation(value);
    }
}
