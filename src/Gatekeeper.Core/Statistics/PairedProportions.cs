namespace Gatekeeper.Statistics;

/// <summary>
/// Paired binary outcomes: McNemar's exact test for the p-value and Tango's score interval for the
/// difference (see <see cref="TangoInterval"/>), which keeps its coverage with few discordant pairs.
/// </summary>
public static class PairedProportions
{
    public const string MethodName = "McNemar exact; Tango score interval";

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
        return new PairedComparison(n, pBase, pCandidate, pCandidate - pBase, TangoInterval.For(baseOnly, candidateOnly, n, confidence),
            Binomial.McNemarExactP(baseOnly, candidateOnly), MethodName)
        {
            Discordant = (baseOnly, candidateOnly),
            Confidence = confidence,
        };
    }
}
