using Gatekeeper.Specs;

namespace Gatekeeper.Verdicts;

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
