using Gatekeeper.Specs;
using Gatekeeper.Statistics;

namespace Gatekeeper.Verdicts;

/// <summary>One check of the verdict: what was compared, the numbers, the outcome and why, in plain words.</summary>
public sealed record CheckResult
{
    /// <summary>"category/task", with the metric for refusal tasks: "safety/refusal (harmful refused)".</summary>
    public required string Name { get; init; }
    public required string Task { get; init; }
    public required TaskCategory Category { get; init; }

    /// <summary>What is compared: accuracy, harmful refused, benign refused, KL, parameter distance.</summary>
    public required CheckMetric Metric { get; init; }

    public required CheckRule Rule { get; init; }
    public required PairedComparison Comparison { get; init; }
    public required CheckOutcome Outcome { get; init; }

    /// <summary>
    /// Holm-adjusted p-value of the test that decided the check: "the change is beyond the limit"
    /// for a failed check, "the change is within it" otherwise. The check is decided when it is
    /// below 1 - confidence.
    /// </summary>
    public required double AdjustedPValue { get; init; }

    /// <summary>Holm-adjusted p-value of McNemar's test that the two models differ at all.</summary>
    public required double ChangePValue { get; init; }

    public required string Reason { get; init; }

    /// <summary>Set when the check has fewer items than the policy's minimum: the effect it could detect.</summary>
    public double? MinimumDetectableEffect { get; init; }

    /// <summary>The check's key in records and history: "general/facts", "safety/refusal/harmful_refused".</summary>
    public string RecordKey() => RecordKey(Category, Task, Metric);

    /// <summary>The key of a task's metric, the task named by alone for the one metric it is known by.</summary>
    public static string RecordKey(TaskCategory category, string task, CheckMetric metric) =>
        metric.Qualifies ? $"{GateDecider.Category(category)}/{task}/{metric.Name.Replace(' ', '_')}" : $"{GateDecider.Category(category)}/{task}";
}
