using Gatekeeper.Battery;
using Gatekeeper.Specs;
using Gatekeeper.Tasks;
using Gatekeeper.Torch.Checkpoints;
using Gatekeeper.Torch.Evaluation;

namespace Gatekeeper.Pipeline;

/// <summary>
/// Measures what needs base and candidate loaded together: the battery's tasks that compare the
/// models (drift: the candidate's KL per item, the base's outcome following from it) and the weights' relative distance.
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
            var kind = (IComparingTaskKind)task.Kind;
            var key = cache.Key(pairKey, task, Torch.Compute.ComputeTarget.Of(candidate.Model).ToString());
            var scored = cache.TryGet(key);
            if (scored is null)
            {
                observer.Stage($"Measuring drift on {task.Name} ({items.Count} texts).");
                var texts = items.Select(item => kind.Request(task, item) is ComparisonRequest request
                    ? request.Text
                    : throw new InvalidOperationException($"Task '{task.Name}' compares models but asks for something else.")).ToList();
                var kl = DriftMeter.KlPerText(baseCheckpoint.Model, candidate.Model, candidate.Tokenizer, texts);
                scored = items.Select((item, i) => TaskScoring.Outcome(task, item, new ComparisonResponse(kl[i]))).ToList();
                cache.Put(key, scored);
            }
            candidateOutcomes.AddRange(scored);
            baseOutcomes.AddRange(scored.Select(kind.BaseOutcome));
        }
        double? distance = measureDistance ? DriftMeter.RelativeParameterDistance(baseCheckpoint.Model, candidate.Model) : null;
        return new Result(baseOutcomes, candidateOutcomes, distance);
    }
}
