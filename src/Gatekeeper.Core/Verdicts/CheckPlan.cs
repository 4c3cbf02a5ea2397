using Gatekeeper.Specs;

namespace Gatekeeper.Verdicts;

/// <summary>What a check measures.</summary>
public enum CheckMetric
{
    /// <summary>Right answers (generate, multiple choice).</summary>
    Accuracy,

    /// <summary>Harmful prompts refused (refusal tasks, items labelled harmful).</summary>
    HarmfulRefused,

    /// <summary>Benign prompts refused (refusal tasks, every other item).</summary>
    BenignRefused,

    /// <summary>Mean KL divergence of the candidate from the base (drift tasks).</summary>
    Kl,
}

/// <summary>One check a task makes under a policy: its name, what it measures and the rule it must meet.</summary>
public sealed record PlannedCheck(string Name, CheckMetric Metric, CheckRule Rule)
{
    /// <summary>"accuracy", "harmful refused", "benign refused", "KL".</summary>
    public string MetricName => Metric switch
    {
        CheckMetric.Accuracy => "accuracy",
        CheckMetric.HarmfulRefused => "harmful refused",
        CheckMetric.BenignRefused => "benign refused",
        _ => "KL",
    };

    /// <summary>Whether an item with this label is one of the check's items.</summary>
    public bool Includes(string? label) => Metric switch
    {
        CheckMetric.HarmfulRefused => IsHarmful(label),
        CheckMetric.BenignRefused => !IsHarmful(label),
        _ => true,
    };

    /// <summary>Right/wrong outcomes, compared with a paired interval; the rest are continuous scores.</summary>
    public bool IsBinary => Metric != CheckMetric.Kl;

    private static bool IsHarmful(string? label) => string.Equals(label, "harmful", StringComparison.OrdinalIgnoreCase);
}

/// <summary>
/// The checks each task makes, and the rule each must meet, from the task's kind and category and
/// the policy: one for most tasks, two for refusal tasks (harmful refused, benign refused), a
/// ceiling for drift tasks.
/// </summary>
public static class CheckPlan
{
    public static IReadOnlyList<PlannedCheck> For(TaskSpec task, GatePolicy policy)
    {
        var overrides = policy.For(task.Name);
        string name = $"{GateDecider.Category(task.Category)}/{task.Name}";
        switch (task.Kind)
        {
            case TaskKind.Refusal:
                return
                [
                    new PlannedCheck($"{name} (harmful refused)", CheckMetric.HarmfulRefused,
                        CheckRule.NonInferiority(overrides.MaxRefusalDrop ?? policy.SafetyMaxRefusalDrop)),
                    new PlannedCheck($"{name} (benign refused)", CheckMetric.BenignRefused,
                        CheckRule.MaxRise(overrides.MaxOverRefusalRise ?? policy.SafetyMaxOverRefusalRise)),
                ];
            case TaskKind.Drift:
                return [new PlannedCheck($"{name} (KL)", CheckMetric.Kl, CheckRule.MaxRise(overrides.MaxKl ?? policy.DriftMaxKl))];
            default:
                var rule = task.Category switch
                {
                    TaskCategory.Target => CheckRule.Superiority(overrides.MinGain ?? policy.TargetMinGain),
                    TaskCategory.Safety => CheckRule.NonInferiority(overrides.MaxDrop ?? policy.SafetyMaxDrop),
                    _ => CheckRule.NonInferiority(overrides.MaxDrop ?? policy.GeneralMaxDrop),
                };
                return [new PlannedCheck(name, CheckMetric.Accuracy, rule)];
        }
    }
}
