using System.Globalization;
using Gatekeeper.Battery;
using Gatekeeper.Specs;
using Gatekeeper.Statistics;

namespace Gatekeeper.Verdicts;

/// <summary>
/// Finds, before anything is trained, the checks whose margin is narrower than the data can show:
/// with no discordant pair, the paired interval is +-z^2/(n + z^2) whatever the rate, so even a
/// candidate that keeps every answer cannot show a drop (or rise) of at most m unless the check has
/// n >= z^2 (1 - m) / m items. Such a check is at best inconclusive for any fine-tune that does not
/// improve on it.
/// </summary>
public static class PolicyReview
{
    /// <summary>Every such check of the gate, one sentence each; empty when every margin can be shown.</summary>
    public static IReadOnlyList<string> Review(GateSpec spec, IEnumerable<(TaskSpec Task, IReadOnlyList<TaskItem> Items)> battery) =>
        battery.SelectMany(b => b.Task.Kind.Checks(b.Task, spec.Policy)
                .Select(check => Unreachable(check, b.Items.Count(item => check.Metric.Includes(item.Label)), spec.Policy.Confidence)))
            .OfType<string>()
            .ToList();

    /// <summary>Why this check's margin cannot be shown with <paramref name="n"/> items, or null when it can.</summary>
    public static string? Unreachable(PlannedCheck check, int n, double confidence)
    {
        // Gains (superiority) and drift ceilings are not margins around "no change".
        if (!check.Metric.IsRate || check.Rule.Kind == CheckRuleKind.Superiority || n == 0) return null;
        double margin = check.Rule.HigherIsBetter ? -check.Rule.Limit : check.Rule.Limit;
        double z = Normal.TwoSidedCritical(confidence);
        double narrowest = z * z / (n + z * z);
        if (narrowest <= margin) return null;
        string change = check.Rule.HigherIsBetter ? "drop" : "rise";
        string level = Reasons.Level(confidence);
        string start = string.Create(CultureInfo.InvariantCulture,
            $"{check.Name}: with {n} items, even a candidate that keeps every answer has a {level}% interval reaching a {change} of {narrowest:0.0000}, so ");
        double enough = Math.Ceiling(narrowest * 1000) / 1000;
        if (margin <= 0)
            return start + string.Create(CultureInfo.InvariantCulture, $"a margin of 0 can only be met by the base itself. Allow a margin of at least {enough:0.000}.");
        int needed = (int)Math.Ceiling(z * z * (1 - margin) / margin);
        return start + string.Create(CultureInfo.InvariantCulture,
            $"the {margin:0.00} margin cannot be shown. Use at least {needed} items or a margin of at least {enough:0.000}.");
    }
}
