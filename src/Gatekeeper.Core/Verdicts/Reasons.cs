using System.Globalization;
using Gatekeeper.Statistics;

namespace Gatekeeper.Verdicts;

/// <summary>One plain sentence per check, as a release manager would want to read it.</summary>
public static class Reasons
{
    public static string For(string name, CheckMetric metric, CheckRule rule, PairedComparison c, CheckOutcome outcome, double confidence)
    {
        string level = Level(confidence);
        string counts = Counts(metric, c) is { } k ? k + "; " : "";
        if (c.N == 0) return $"{name}: no items to compare.";
        switch (rule.Kind)
        {
            case CheckRuleKind.Floor or CheckRuleKind.Ceiling:
            {
                // The candidate's own level, against an absolute floor or ceiling.
                string ci = counts + Ci(c.Interval.Lower, c.Interval.Upper, level, "candidate's rate");
                string at = $"{name}: the candidate is at {F(c.CandidateScore)} ({ci})";
                bool floor = rule.Kind == CheckRuleKind.Floor;
                return outcome switch
                {
                    CheckOutcome.Fail => floor ? $"{at}, below the {F(rule.Limit)} floor." : $"{at}, above the {F(rule.Limit)} ceiling.",
                    CheckOutcome.Pass => floor ? $"{at}, at or above the {F(rule.Limit)} floor." : $"{at}, at or below the {F(rule.Limit)} ceiling.",
                    _ => floor ? $"{at}; the data cannot tell whether it is at the {F(rule.Limit)} floor." : $"{at}; the data cannot tell whether it stays within the {F(rule.Limit)} ceiling.",
                };
            }
            case CheckRuleKind.NonInferiority:
            {
                double margin = -rule.Limit;
                string change = Change(c.Difference, "dropped", "rose");
                string ci = counts + Ci(-c.Interval.Upper, -c.Interval.Lower, level, "drop");
                return outcome switch
                {
                    CheckOutcome.Fail => $"{name} {change} ({ci}), more than the {F(margin)} allowed.",
                    CheckOutcome.Pass => $"{name} {change} ({ci}); any drop is within the {F(margin)} allowed.",
                    _ => $"{name} {change} ({ci}); the data cannot tell whether the drop exceeds the {F(margin)} allowed.",
                };
            }
            case CheckRuleKind.Superiority:
            {
                string change = Change(c.Difference, "dropped", "gained");
                string ci = counts + Ci(c.Interval.Lower, c.Interval.Upper, level, "gain");
                return outcome switch
                {
                    CheckOutcome.Fail => $"{name} {change} ({ci}), less than the {F(rule.Limit)} gain required.",
                    CheckOutcome.Pass => $"{name} {change} ({ci}), at least the {F(rule.Limit)} gain required.",
                    _ => $"{name} {change} ({ci}); the data cannot tell whether it gained the {F(rule.Limit)} required.",
                };
            }
            default:
            {
                string change = Change(c.Difference, "fell", "rose");
                string ci = counts + Ci(c.Interval.Lower, c.Interval.Upper, level, "rise");
                return outcome switch
                {
                    CheckOutcome.Fail => $"{name} {change} ({ci}), more than the {F(rule.Limit)} allowed.",
                    CheckOutcome.Pass => $"{name} {change} ({ci}); any rise is within the {F(rule.Limit)} allowed.",
                    _ => $"{name} {change} ({ci}); the data cannot tell whether the rise exceeds the {F(rule.Limit)} allowed.",
                };
            }
        }
    }

    /// <summary>The reason for a required gain asked of a candidate that is the base itself.</summary>
    public static string ForUnchangedModel(string name, CheckRule rule) =>
        $"{name} is not judged: the candidate is the base itself (same weights), and a model that did not change is not asked for the {F(rule.Limit)} gain a fine-tune must show.";

    /// <summary>"dropped 0.31" / "rose 0.02" / "did not change", from the candidate-minus-base difference.</summary>
    private static string Change(double difference, string down, string up)
    {
        if (Math.Abs(difference) < 0.005) return "did not change measurably";
        return difference < 0 ? $"{down} {F(-difference)}" : $"{up} {F(difference)}";
    }

    /// <summary>"270 → 180 of 300 right": the counts behind a rate, which say more than the rate to most readers.</summary>
    private static string? Counts(CheckMetric metric, PairedComparison c)
    {
        if (c.Discordant is null || c.N == 0) return null;
        string clusters = c.Clusters is not { } k ? ""
            : c.DesignEffect is { } deff ? string.Create(CultureInfo.InvariantCulture, $" in {k} clusters, design effect {deff:0.0}")
            : string.Create(CultureInfo.InvariantCulture, $" in {k} clusters");
        return string.Create(CultureInfo.InvariantCulture, $"{Math.Round(c.BaseScore * c.N)} → {Math.Round(c.CandidateScore * c.N)} of {c.N} {metric.Counted}{clusters}");
    }

    private static string Ci(double lower, double upper, string level, string of) => $"{level}% CI of the {of} {F(lower)} to {F(upper)}";

    /// <summary>The reason for the parameter-distance ceiling, which has no interval.</summary>
    public static string ForDistance(double distance, double ceiling) => distance <= ceiling
        ? $"The weights moved {F3(distance)} of the base's norm (relative L2), within the {F3(ceiling)} allowed."
        : $"The weights moved {F3(distance)} of the base's norm (relative L2), more than the {F3(ceiling)} allowed.";

    private static string F3(double value) => value.ToString("0.000;-0.000;0.000", CultureInfo.InvariantCulture);

    public static string Level(double confidence) => (confidence * 100).ToString("0.#", CultureInfo.InvariantCulture);

    /// <summary>Two decimals; a value that rounds to zero reads "0.00", never "-0.00".</summary>
    public static string F(double value) => value.ToString("0.00;-0.00;0.00", CultureInfo.InvariantCulture);
}
