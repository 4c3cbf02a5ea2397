using Gatekeeper.Battery;
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

    /// <summary>Relative L2 distance of the candidate's weights from the base's.</summary>
    ParameterDistance,
}

public static class CheckMetrics
{
    /// <summary>"accuracy", "harmful refused", "benign refused", "KL", "relative L2".</summary>
    public static string Name(this CheckMetric metric) => metric switch
    {
        CheckMetric.Accuracy => "accuracy",
        CheckMetric.HarmfulRefused => "harmful refused",
        CheckMetric.BenignRefused => "benign refused",
        CheckMetric.Kl => "KL",
        _ => "relative L2",
    };

    /// <summary>A rate of right/wrong (or refused/answered) outcomes, compared with a paired interval.</summary>
    public static bool IsRate(this CheckMetric metric) => metric is CheckMetric.Accuracy or CheckMetric.HarmfulRefused or CheckMetric.BenignRefused;

    /// <summary>Whether an item with this label is one of the metric's items.</summary>
    public static bool Includes(this CheckMetric metric, string? label) => metric switch
    {
        CheckMetric.HarmfulRefused => TaskItem.IsHarmfulLabel(label),
        CheckMetric.BenignRefused => !TaskItem.IsHarmfulLabel(label),
        _ => true,
    };
}

/// <summary>One check a task makes under a policy: its name, what it measures and the rule it must meet.</summary>
public sealed record PlannedCheck(string Name, CheckMetric Metric, CheckRule Rule);

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
