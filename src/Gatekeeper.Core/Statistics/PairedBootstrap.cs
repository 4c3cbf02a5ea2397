namespace Gatekeeper.Statistics;

/// <summary>
/// A seeded paired bootstrap for continuous per-item scores: items are resampled with replacement,
/// keeping each item's base and candidate scores together. Percentile intervals at any confidence
/// come from the same resamples; the two-sided p-value is from the resampled differences' position
/// relative to zero.
/// </summary>
public sealed class PairedBootstrap
{
    public const string MethodName = "paired bootstrap (percentile)";
    public const string ClusteredMethodName = "paired cluster bootstrap (percentile)";

    private readonly double[] _sortedMeans;
    private readonly double _observed;
    private readonly double _baseMean;
    private readonly double _candidateMean;
    private readonly int _n;
    private readonly bool _allEqual;

    private PairedBootstrap(IReadOnlyList<double> baseScores, IReadOnlyList<double> candidateScores, int seed, int resamples, IReadOnlyList<string>? clusters)
    {
        if (baseScores.Count != candidateScores.Count)
            throw new ArgumentException("Paired scores need the same items for both models.");
        _n = baseScores.Count;
        var differences = new double[_n];
        for (int i = 0; i < _n; i++) differences[i] = candidateScores[i] - baseScores[i];
        _observed = _n == 0 ? double.NaN : differences.Average();
        _baseMean = _n == 0 ? double.NaN : baseScores.Average();
        _candidateMean = _n == 0 ? double.NaN : candidateScores.Average();
        _allEqual = differences.All(d => d == 0);

        // The units resampled: whole clusters (their summed difference and size), or single items.
        var units = clusters is null
            ? differences.Select(d => (Sum: d, Size: 1)).ToArray()
            : clusters.Select((c, i) => (c, i)).GroupBy(x => x.c, x => differences[x.i]).Select(g => (Sum: g.Sum(), Size: g.Count())).ToArray();
        var random = new Random(seed);
        _sortedMeans = new double[_n == 0 ? 0 : resamples];
        for (int r = 0; r < _sortedMeans.Length; r++)
        {
            double sum = 0;
            int size = 0;
            for (int i = 0; i < units.Length; i++)
            {
                var unit = units[random.Next(units.Length)];
                (sum, size) = (sum + unit.Sum, size + unit.Size);
            }
            _sortedMeans[r] = sum / size;
        }
        Clusters = clusters is null ? null : units.Length;
        Array.Sort(_sortedMeans);
    }

    /// <summary>
    /// Resamples once; intervals at any confidence then come from these resamples. With
    /// <paramref name="clusters"/> (each item's), whole clusters are resampled (a cluster bootstrap),
    /// so items that move together count as the one source they are.
    /// </summary>
    public static PairedBootstrap Resample(IReadOnlyList<double> baseScores, IReadOnlyList<double> candidateScores, int seed, int resamples = 2000,
        IReadOnlyList<string>? clusters = null) =>
        new(baseScores, candidateScores, seed, resamples, clusters);

    /// <summary>The clusters resampled; null when items were.</summary>
    public int? Clusters { get; }

    public static PairedComparison Compare(IReadOnlyList<double> baseScores, IReadOnlyList<double> candidateScores, double confidence, int seed, int resamples = 2000) =>
        Resample(baseScores, candidateScores, seed, resamples).At(confidence);

    public Interval IntervalAt(double confidence)
    {
        if (_n == 0) return new Interval(double.NegativeInfinity, double.PositiveInfinity);
        double alpha = 1 - confidence;
        return new Interval(Percentile(alpha / 2), Percentile(1 - alpha / 2));
    }

    public PairedComparison At(double confidence)
    {
        double p = 1;
        if (_n > 0 && !_allEqual)
        {
            int atOrBelow = _sortedMeans.Count(m => m <= 0), atOrAbove = _sortedMeans.Count(m => m >= 0);
            p = Math.Min(1, 2.0 * Math.Min(atOrBelow, atOrAbove) / _sortedMeans.Length);
        }
        return new PairedComparison(_n, _baseMean, _candidateMean, _observed, IntervalAt(confidence), p, Clusters is null ? MethodName : ClusteredMethodName)
        {
            Confidence = confidence, Clusters = Clusters,
        };
    }

    private double Percentile(double q)
    {
        double position = q * (_sortedMeans.Length - 1);
        int lower = (int)Math.Floor(position);
        int upper = Math.Min(_sortedMeans.Length - 1, lower + 1);
        return _sortedMeans[lower] + (position - lower) * (_sortedMeans[upper] - _sortedMeans[lower]);
    }
}
