namespace Gatekeeper.Statistics;

/// <summary>
/// Paired binary outcomes: McNemar's exact test for the p-value and Newcombe's hybrid score interval
/// for the difference (Newcombe 1998, method 10), which stays sensible with few discordant pairs.
/// </summary>
public static class PairedProportions
{
    public const string MethodName = "McNemar exact; Newcombe paired score interval";

    public static PairedComparison Compare(IReadOnlyList<bool> baseCorrect, IReadOnlyList<bool> candidateCorrect, double confidence)
    {
        if (baseCorrect.Count != candidateCorrect.Count)
            throw new ArgumentException("Paired outcomes need the same items for both models.");
        return FromCounts(PairedCounts.From(baseCorrect.Zip(candidateCorrect)), confidence);
    }

    public static PairedComparison FromCounts(PairedCounts counts, double confidence) =>
        FromCounts(counts.Both, counts.BaseOnly, counts.CandidateOnly, counts.Neither, confidence);

    /// <summary>From the 2x2 table of paired outcomes.</summary>
    public static PairedComparison FromCounts(int both, int baseOnly, int candidateOnly, int neither, double confidence)
    {
        int n = both + baseOnly + candidateOnly + neither;
        if (n == 0) return new PairedComparison(0, double.NaN, double.NaN, double.NaN, new Interval(-1, 1), 1, MethodName);
        double pBase = (double)(both + baseOnly) / n;
        double pCandidate = (double)(both + candidateOnly) / n;
        double difference = pCandidate - pBase;
        var wBase = Wilson.For(both + baseOnly, n, confidence);
        var wCandidate = Wilson.For(both + candidateOnly, n, confidence);

        // Correlation of the paired outcomes; 0 when a margin is empty (Newcombe's convention).
        double denominator = Math.Sqrt((double)(both + baseOnly) * (candidateOnly + neither) * (both + candidateOnly) * (baseOnly + neither));
        double phi = denominator == 0 ? 0 : ((double)both * neither - (double)baseOnly * candidateOnly) / denominator;

        // Newcombe's method 10 for theta = pCandidate - pBase.
        double lowerGap = Math.Sqrt(Math.Max(0, Square(pCandidate - wCandidate.Lower) - 2 * phi * (pCandidate - wCandidate.Lower) * (wBase.Upper - pBase) + Square(wBase.Upper - pBase)));
        double upperGap = Math.Sqrt(Math.Max(0, Square(wCandidate.Upper - pCandidate) - 2 * phi * (wCandidate.Upper - pCandidate) * (pBase - wBase.Lower) + Square(pBase - wBase.Lower)));
        var interval = new Interval(Math.Max(-1, difference - lowerGap), Math.Min(1, difference + upperGap));
        return new PairedComparison(n, pBase, pCandidate, difference, interval, Binomial.McNemarExactP(baseOnly, candidateOnly), MethodName)
        {
            Discordant = (baseOnly, candidateOnly),
            Confidence = confidence,
        };
    }

    private static double Square(double x) => x * x;
}
