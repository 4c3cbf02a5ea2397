namespace Gatekeeper.Statistics;

/// <summary>Wilson's score interval for a single proportion (Wilson 1927): well behaved at 0 and 1 and at small n.</summary>
public static class Wilson
{
    /// <param name="successes">May be fractional: the effective count of clustered items.</param>
    /// <param name="n">Items, or the effective sample of clustered ones.</param>
    /// <param name="confidence">The interval's level.</param>
    public static Interval For(double successes, double n, double confidence)
    {
        if (n == 0) return new Interval(0, 1);
        double z = Normal.TwoSidedCritical(confidence);
        double p = successes / n;
        double denominator = 1 + z * z / n;
        double centre = (p + z * z / (2 * n)) / denominator;
        double half = z * Math.Sqrt(p * (1 - p) / n + z * z / (4.0 * n * n)) / denominator;
        return new Interval(Math.Max(0, centre - half), Math.Min(1, centre + half));
    }
}
