namespace Gatekeeper.Statistics;

/// <summary>
/// What a paired check can detect. A fine-tune forgets: the candidate loses a share Δ of the
/// items and gains none, so the number it loses of n is Binomial(n, Δ), and the check fails its
/// margin m when Tango's interval for that many losses lies wholly beyond -m. The power at Δ is
/// then exact: the chance of losing at least the fewest items that fail the margin. (Not the
/// independent-proportions worst case, whose variance 0.5/n overstates a paired difference's.)
/// With clustered items, n is the number of clusters: the least evidence they can carry. The
/// power is of the check alone; Holm's correction across a gate's checks asks somewhat more.
/// </summary>
public static class PairedPower
{
    /// <summary>The smallest true drop that <paramref name="units"/> items (or clusters) detect beyond <paramref name="margin"/> with <paramref name="power"/>; 1 when none does.</summary>
    public static double DetectableDrop(int units, double margin, double confidence, double power = 0.8)
    {
        if (units <= 0) return 1;
        bool Fails(int lost) => TangoInterval.For(lost, 0, units, confidence).Upper < -margin;
        if (!Fails(units)) return 1;
        // Tango's upper bound falls as more items are lost: the fewest losses that fail, by bisection.
        int low = -1, high = units;   // Fails(high) holds, Fails(low) does not (or low is below any count)
        while (high - low > 1)
        {
            int middle = (low + high) / 2;
            if (Fails(middle)) high = middle;
            else low = middle;
        }
        int fewest = high;
        double Power(double drop) => fewest == 0 ? 1 : 1 - Binomial.Cdf(fewest - 1, units, drop);
        double a = 0, b = 1;
        for (int i = 0; i < 60; i++)
        {
            double middle = (a + b) / 2;
            if (Power(middle) >= power) b = middle;
            else a = middle;
        }
        return b;
    }
}
