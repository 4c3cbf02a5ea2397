namespace Gatekeeper.Statistics;

/// <summary>
/// Turns a family of confidence intervals into p-values for "the difference is beyond this limit",
/// by finding the confidence level at which the interval first excludes the limit. For a single
/// check, "p below alpha" is then exactly "the (1 - alpha) interval lies wholly on one side", so a
/// correction such as Holm's can act on the same evidence the interval shows.
/// </summary>
public static class IntervalInversion
{
    /// <summary>
    /// The smallest two-sided alpha at which the interval lies wholly above <paramref name="limit"/>
    /// (<paramref name="above"/> true) or wholly below it; 1 when no level achieves that. With
    /// <paramref name="limitIncluded"/>, an interval that ends exactly at the limit counts as on its
    /// side: the good side of a margin includes the margin ("may drop by at most 0.02").
    /// </summary>
    public static double PValue(Func<double, Interval> intervalAt, double limit, bool above, bool limitIncluded = false)
    {
        bool Excludes(double alpha)
        {
            var interval = intervalAt(1 - alpha);
            return (above, limitIncluded) switch
            {
                (true, true) => interval.Lower >= limit,
                (true, false) => interval.Lower > limit,
                (false, true) => interval.Upper <= limit,
                (false, false) => interval.Upper < limit,
            };
        }

        const double smallest = 1e-12, largest = 1 - 1e-9;
        if (!Excludes(largest)) return 1;
        if (Excludes(smallest)) return smallest;
        double low = smallest, high = largest;   // Excludes(low) is false, Excludes(high) is true
        for (int i = 0; i < 60; i++)
        {
            double mid = Math.Sqrt(low * high) is var geometric && geometric > 0 ? geometric : (low + high) / 2;
            if (Excludes(mid)) high = mid;
            else low = mid;
        }
        return high;
    }
}
