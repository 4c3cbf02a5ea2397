namespace Gatekeeper.Verdicts;

/// <summary>
/// What a check demands of the difference (candidate minus base) in its metric. When higher is
/// better, the difference must stay at or above <see cref="Limit"/>; otherwise at or below it.
/// </summary>
public sealed record CheckRule(CheckRuleKind Kind, double Limit, bool HigherIsBetter)
{
    /// <summary>May drop by at most <paramref name="margin"/>.</summary>
    public static CheckRule NonInferiority(double margin) => new(CheckRuleKind.NonInferiority, -margin, true);

    /// <summary>Must gain at least <paramref name="gain"/>.</summary>
    public static CheckRule Superiority(double gain) => new(CheckRuleKind.Superiority, gain, true);

    /// <summary>May rise by at most <paramref name="margin"/> (a rate where lower is better).</summary>
    public static CheckRule MaxRise(double margin) => new(CheckRuleKind.MaxRise, margin, false);

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
}
