using Gatekeeper.Battery;
using Gatekeeper.Specs;
using Gatekeeper.Verdicts;

namespace Gatekeeper.Tasks;

/// <summary>
/// What the kinds that score right or wrong answers share: one accuracy check whose rule follows
/// the task's category (a target must gain, anything else must not drop), and the outcome record.
/// </summary>
public static class AnswerChecks
{
    public static IReadOnlyList<PlannedCheck> Accuracy(TaskSpec task, GatePolicy policy)
    {
        var overrides = policy.For(task.Name);
        var rule = task.Category switch
        {
            TaskCategory.Target => CheckRule.Superiority(overrides.MinGain ?? policy.TargetMinGain),
            TaskCategory.Safety => CheckRule.NonInferiority(overrides.MaxDrop ?? policy.SafetyMaxDrop),
            _ => CheckRule.NonInferiority(overrides.MaxDrop ?? policy.GeneralMaxDrop),
        };
        return [new PlannedCheck(CheckName(task), CheckMetric.Accuracy, rule)];
    }

    public static IReadOnlyList<string> PolicyKeys(TaskSpec task) => task.Category == TaskCategory.Target ? ["min_gain"] : ["max_drop"];

    /// <summary>"category/task", the name every check of the task starts with.</summary>
    public static string CheckName(TaskSpec task) => $"{GateDecider.Category(task.Category)}/{task.Name}";

    public static ItemOutcome Outcome(TaskSpec task, TaskItem item, string output, bool correct) => new()
    {
        Task = task.Name, ItemId = item.Id, Prompt = item.Prompt, Expected = item.Answer, Output = output,
        Correct = correct, Label = item.Label,
    };
}
