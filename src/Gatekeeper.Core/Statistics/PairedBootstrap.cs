namespace Gatekeeper.Statistics;

/// <summary>
/// A seeded paired bootstrap for continuous per-item scores: items are resampled with replacement,
/// keeping each item's base and candidate scores together. Percentile interval; the two-sided
/// p-value is from the resampled differences' position relative to zero.
/// </summary>
public static class PairedBootstrap
{
    public const string MethodName = "paired bootstrap (percentile)";

    public static PairedComparison Compare(IReadOnlyList<double> baseScores, IReadOnlyList<double> candidateScores, double confidence, int seed, int resamples = 2000)
    {
        if (baseScores.Count != candidateScores.Count)
            throw new ArgumentException("Paired scores need the same items for both models.");
        int n = baseScores.Count;
        if (n == 0) return new PairedComparison(0, double.NaN, double.NaN, double.NaN, new Interval(double.NegativeInfinity, double.PositiveInfinity), 1, MethodName);
        var differences = new double[n];
        for (int i = 0; i < n; i++) differences[i] = candidateScores[i] - baseScores[i];
        double observed = differences.Average();

        var random = new Random(seed);
        var means = new double[resamples];
        for (int r = 0; r < resamples; r++)
        {
            double sum = 0;
            for (int i = 0; i < n; i++) sum += differences[random.Next(n)];
            means[r] = sum / n;
        }
        Array.Sort(means);
        double alpha = 1 - confidence;
        var interval = new Interval(Percentile(means, alpha / 2), Percentile(means, 1 - alpha / 2));
        int atOrBelow = means.Count(m => m <= 0), atOrAbove = means.Count(m => m >= 0);
        double p = Math.Min(1, 2.0 * Math.Min(atOrBelow, atOrAbove) / resamples);
        if (differences.All(d => d == 0)) p = 1;
        return new PairedComparison(n, baseScores.Average(), candidateScores.Average(), observed, interval, p, MethodName);
    }

    private static double Percentile(double[] sorted, double q)
    {
        double position = q * (sorted.Length - 1);
        int lower = (int)Math.Floor(position);
        int upper = Math.Min(sorted.Length - 1, lower + 1);
        return sorted[lower] + (position - lower) * (sorted[upper] - sorted[lower]);
    }
}
