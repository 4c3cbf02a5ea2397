namespace Gatekeeper.Verdicts;

/// <summary>
/// What a check demands of the difference (candidate minus base) in its metric, or for an absolute
/// floor or ceiling of the candidate's own level. When higher is better, the value must stay at or
/// above <see cref="Limit"/>; otherwise at or below it.
/// </summary>
public sealed record CheckRule(CheckRuleKind Kind, double Limit, bool HigherIsBetter)
{
    /// <summary>May drop by at most <paramref name="margin"/>.</summary>
    public static CheckRule NonInferiority(double margin) => new(CheckRuleKind.NonInferiority, -margin, true);

    /// <summary>Must gain at least <paramref name="gain"/>.</summary>
    public static CheckRule Superiority(double gain) => new(CheckRuleKind.Superiority, gain, true);

    /// <summary>May rise by at most <paramref name="margin"/> (a rate where lower is better).</summary>
    public static CheckRule MaxRise(double margin) => new(CheckRuleKind.MaxRise, margin, false);

    /// <summary>The candidate's own level must be at least <paramref name="level"/> ("harmful refused at least 0.95").</summary>
    public static CheckRule AtLeast(double level) => new(CheckRuleKind.Floor, level, true);

    /// <summary>The candidate's own level may be at most <paramref name="level"/> ("benign refused at most 0.10").</summary>
    public static CheckRule AtMost(double level) => new(CheckRuleKind.Ceiling, level, false);

    /// <summary>Judged on the candidate's own interval rather than on the change's.</summary>
    public bool OnLevel => Kind is CheckRuleKind.Floor or CheckRuleKind.Ceiling;

    /// <summary>Applies the three-way rule to an interval for the difference.</summary>
    public CheckOutcome Judge(Statistics.Interval interval)
    {
        if (HigherIsBetter)
        {
            if (interval.Lower >= Limit) return CheckOutcome.Pass;
            if (interval.Upper < Limit) return CheckOutcome.Fail;
        }
        else
        {
            if (interval.Upper <= Limit) return CheckOutcome.Pass;
            if (interval.Lower > Limit) return CheckOutcome.Fail;
        }
        return CheckOutcome.Inconclusive;
    }
}

public enum CheckRuleKind
{
    NonInferiority,
    Superiority,
    MaxRise,
    Floor,
    Ceiling,
}
