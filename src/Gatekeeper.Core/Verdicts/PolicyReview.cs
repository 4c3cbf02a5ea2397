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
                .Select(check => Unreachable(check, Evidence(b.Task, b.Items.Where(item => check.Metric.Includes(item.Label))), spec.Policy.Confidence)))
            .OfType<string>()
            .ToList();

    /// <summary>
    /// For each check against a margin, the smallest true drop (or rise) beyond it that the battery
    /// detects with 80% power, paired, as forgetting shows it (<see cref="PairedPower"/>): one sentence each.
    /// </summary>
    public static IReadOnlyList<string> Power(GateSpec spec, IEnumerable<(TaskSpec Task, IReadOnlyList<TaskItem> Items)> battery) =>
        [.. battery.SelectMany(b => b.Task.Kind.Checks(b.Task, spec.Policy)
            .Where(check => check.Metric.IsRate && check.Rule.Kind is CheckRuleKind.NonInferiority or CheckRuleKind.MaxRise)
            .Select(check =>
            {
                var items = b.Items.Where(item => check.Metric.Includes(item.Label)).ToList();
                var (n, clustered) = Evidence(b.Task, items);
                double margin = check.Rule.HigherIsBetter ? -check.Rule.Limit : check.Rule.Limit;
                double detectable = PairedPower.DetectableDrop(n, margin, spec.Policy.Confidence);
                string change = check.Rule.HigherIsBetter ? "drop" : "rise";
                string of = clustered ? $"{items.Count} items in {n} clusters" : $"{n} items";
                return detectable >= 1
                    ? $"{check.Name}: {of} cannot detect any {change} beyond its {margin:0.00} margin with 80% power."
                    : string.Create(CultureInfo.InvariantCulture, $"{check.Name}: a true {change} of {detectable:0.000} or more fails its {margin:0.00} margin with 80% power ({of}).");
            }))];

    /// <summary>The independent units of evidence the items are: their clusters when the task groups them, else the items.</summary>
    private static (int Count, bool Clustered) Evidence(TaskSpec task, IEnumerable<TaskItem> items) =>
        task.Cluster is null ? (items.Count(), false) : (items.Select(i => i.Cluster ?? i.Id).Distinct().Count(), true);

    /// <summary>
    /// Why this check's margin cannot be shown with <paramref name="evidence"/> items (or clusters of
    /// items: when nothing changes, a clustered check's effective sample is its clusters), or null when it can.
    /// </summary>
    public static string? Unreachable(PlannedCheck check, (int Count, bool Clustered) evidence, double confidence)
    {
        var (n, clustered) = evidence;
        string units = clustered ? "clusters of items" : "items";
        // Gains (superiority) and drift ceilings are not margins around "no change".
        if (!check.Metric.IsRate || check.Rule.Kind == CheckRuleKind.Superiority || check.Rule.OnLevel || n == 0) return null;
        double margin = check.Rule.HigherIsBetter ? -check.Rule.Limit : check.Rule.Limit;
        double z = Normal.TwoSidedCritical(confidence);
        double narrowest = z * z / (n + z * z);
        if (narrowest <= margin) return null;
        string change = check.Rule.HigherIsBetter ? "drop" : "rise";
        string level = Reasons.Level(confidence);
        string start = string.Create(CultureInfo.InvariantCulture,
            $"{check.Name}: with {n} {units}, even a candidate that keeps every answer has a {level}% interval reaching a {change} of {narrowest:0.0000}, so ");
        double enough = Math.Ceiling(narrowest * 1000) / 1000;
        if (margin <= 0)
            return start + string.Create(CultureInfo.InvariantCulture, $"a margin of 0 can only be met by the base itself. Allow a margin of at least {enough:0.000}.");
        int needed = (int)Math.Ceiling(z * z * (1 - margin) / margin);
        return start + string.Create(CultureInfo.InvariantCulture,
            $"the {margin:0.00} margin cannot be shown. Use at least {needed} {units} or a margin of at least {enough:0.000}.");
    }
}
