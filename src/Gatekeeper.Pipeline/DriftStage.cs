using Gatekeeper.Battery;
using Gatekeeper.Specs;
using Gatekeeper.Torch.Checkpoints;
using Gatekeeper.Torch.Evaluation;

namespace Gatekeeper.Pipeline;

/// <summary>
/// Measures what needs base and candidate loaded together: KL drift on the battery's drift tasks
/// (as outcomes: the base scores 0, the candidate its KL per item) and the weights' relative distance.
/// </summary>
public static class DriftStage
{
    public sealed record Result(IReadOnlyList<ItemOutcome> BaseOutcomes, IReadOnlyList<ItemOutcome> CandidateOutcomes, double? ParameterDistance);

    public static Result Measure(Checkpoint baseCheckpoint, Checkpoint candidate, IReadOnlyList<(TaskSpec Task, IReadOnlyList<TaskItem> Items)> driftTasks,
        bool measureDistance, EvaluationCache cache, IGateObserver observer)
    {
        if (driftTasks.Count == 0 && !measureDistance) return new Result([], [], null);
        var pairKey = $"{baseCheckpoint.Manifest.ContentSha256}:{candidate.Manifest.ContentSha256}";
        var baseOutcomes = new List<ItemOutcome>();
        var candidateOutcomes = new List<ItemOutcome>();
        foreach (var (task, items) in driftTasks)
        {
            var key = EvaluationCache.Key(pairKey, task, Torch.Compute.ComputeTarget.Of(candidate.Model).ToString());
            var scored = cache.TryGet(key);
            if (scored is null)
            {
                observer.Stage($"Measuring drift on {task.Name} ({items.Count} texts).");
                var kl = DriftMeter.KlPerText(baseCheckpoint.Model, candidate.Model, candidate.Tokenizer, items.Select(i => i.Prompt).ToList());
                scored = items.Select((item, i) => Outcome(task, item, kl[i])).ToList();
                cache.Put(key, scored);
            }
            candidateOutcomes.AddRange(scored);
            baseOutcomes.AddRange(scored.Select(o => o with { Score = 0 }));
        }
        double? distance = measureDistance ? DriftMeter.RelativeParameterDistance(baseCheckpoint.Model, candidate.Model) : null;
        return new Result(baseOutcomes, candidateOutcomes, distance);
    }

    private static ItemOutcome Outcome(TaskSpec task, TaskItem item, double kl) => new()
    {
        Task = task.Name, ItemId = item.Id, Prompt = item.Prompt, Expected = "", Output = "", Correct = true, Score = kl,
    };
}
