namespace Gatekeeper.Statistics;

/// <summary>A confidence interval [Lower, Upper].</summary>
public readonly record struct Interval(double Lower, double Upper)
{
    public bool Contains(double value) => value >= Lower && value <= Upper;
}
