namespace Gatekeeper.Statistics;

/// <summary>
/// Tango's asymptotic score interval for the difference of two paired proportions (Tango 1998,
/// "Equivalence test and confidence interval for the difference in proportions for the
/// paired-sample design"). It inverts the score test of "the difference is delta", whose variance
/// uses the maximum-likelihood discordance under that delta; at delta 0 the test is McNemar's.
/// It keeps its coverage where forgetting is one-sided (the candidate loses items and gains none)
/// and when no pair is discordant, where square-and-add intervals can collapse to a point.
/// </summary>
public static class TangoInterval
{
    /// <summary>
    /// The interval for candidate rate minus base rate, from the discordant counts of n pairs:
    /// <paramref name="baseOnly"/> items right for the base only, <paramref name="candidateOnly"/>
    /// for the candidate only. Counts may be fractional: the effective counts of clustered items
    /// (<see cref="ClusteredPairedProportions"/>).
    /// </summary>
    public static Interval For(double baseOnly, double candidateOnly, double n, double confidence)
    {
        if (n == 0) return new Interval(-1, 1);
        double z = Normal.TwoSidedCritical(confidence);
        double estimate = (candidateOnly - baseOnly) / n;
        // The statistic falls as delta rises: the bounds are where it crosses +z and -z.
        double lower = Statistic(baseOnly, candidateOnly, n, -1) <= z ? -1 : Crossing(baseOnly, candidateOnly, n, z, -1, estimate);
        double upper = Statistic(baseOnly, candidateOnly, n, 1) >= -z ? 1 : Crossing(baseOnly, candidateOnly, n, -z, estimate, 1);
        return new Interval(lower, upper);
    }

    /// <summary>
    /// Tango's score statistic for "candidate minus base is <paramref name="delta"/>":
    /// (c - b - n delta) / sqrt(n (2 q + delta (1 - delta))), with q the restricted maximum-likelihood
    /// probability of a base-only pair.
    /// </summary>
    public static double Statistic(double baseOnly, double candidateOnly, double n, double delta)
    {
        double a = 2.0 * n;
        double b = -candidateOnly - baseOnly + (2.0 * n - candidateOnly + baseOnly) * delta;
        double c = -baseOnly * delta * (1 - delta);
        double q = (Math.Sqrt(Math.Max(0, b * b - 4 * a * c)) - b) / (2 * a);
        double numerator = candidateOnly - baseOnly - n * delta;
        double variance = n * (2 * q + delta * (1 - delta));
        // No discordance and delta 0: nothing to test against; the statistic is 0, not 0/0.
        if (variance <= 0) return numerator == 0 ? 0 : Math.CopySign(double.PositiveInfinity, numerator);
        return numerator / Math.Sqrt(variance);
    }

    /// <summary>The delta in [low, high] where the (falling) statistic equals <paramref name="target"/>, by bisection.</summary>
    private static double Crossing(double baseOnly, double candidateOnly, double n, double target, double low, double high)
    {
        for (int i = 0; i < 60 && high - low > 1e-12; i++)
        {
            double middle = (low + high) / 2;
            if (Statistic(baseOnly, candidateOnly, n, middle) > target) low = middle;
            else high = middle;
        }
        return (low + high) / 2;
    }
}
