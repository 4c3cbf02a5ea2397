namespace Gatekeeper.Statistics;

/// <summary>
/// Paired binary outcomes whose items come in clusters (one fact in several phrasings, one request
/// in several wordings), where items of a cluster tend to change together, so n items carry less
/// evidence than n independent ones.
/// <para>
/// The rule: a design effect, the cluster-robust (sandwich) variance of a mean,
/// G/(G-1) Σ_g (X_g - x̄ n_g)² / n², over its independent-items variance n/(n-1) Σ_i (x_i - x̄)² / n²
/// (X_g is cluster g's sum, n_g its size), taken for the paired difference and for each model's
/// outcomes (<see cref="DesignEffect"/>), and Tango's score interval on the counts divided by it
/// (the effective sample, Kish's n / deff).
/// Chosen over a cluster bootstrap because it keeps Tango's behaviour where forgetting is
/// one-sided or discordance is rare (a percentile bootstrap collapses to a point there), is exact
/// and instant at any confidence (the decider inverts intervals into p-values), and with clusters
/// of one item is today's rule exactly: the two variances are then the same sum. The design effect
/// is never taken below 1 (clustering never claims more evidence than independent items); when no
/// item changes, so the variance cannot show the clustering, the effective sample is the number
/// of clusters, the least it can be.
/// </para>
/// </summary>
public static class ClusteredPairedProportions
{
    public const string MethodName = "cluster-adjusted Tango score interval (design effect); score test";

    /// <param name="pairs">Each item's base and candidate outcome and its cluster.</param>
    public static Func<double, PairedComparison> Measure(IReadOnlyList<(bool Base, bool Candidate, string Cluster)> pairs)
    {
        var counts = PairedCounts.From(pairs.Select(p => (p.Base, p.Candidate)));
        int clusters = pairs.Select(p => p.Cluster).Distinct().Count();
        // Clusters of one item each: independent items, today's rule.
        if (clusters == pairs.Count) return confidence => PairedProportions.FromCounts(counts, confidence);
        double deff = DesignEffect(pairs);
        double scale = 1 / deff;
        double baseOnly = counts.BaseOnly * scale, candidateOnly = counts.CandidateOnly * scale, n = counts.N * scale;
        int N = counts.N;
        double pBase = (double)(counts.Both + counts.BaseOnly) / N, pCandidate = (double)(counts.Both + counts.CandidateOnly) / N;
        // "They differ at all": McNemar's score statistic on the effective counts.
        double discordant = baseOnly + candidateOnly;
        double p = discordant == 0 ? 1 : 2 * (1 - Normal.Cdf(Math.Abs(candidateOnly - baseOnly) / Math.Sqrt(discordant)));
        return confidence => new PairedComparison(N, pBase, pCandidate, pCandidate - pBase, TangoInterval.For(baseOnly, candidateOnly, n, confidence), Math.Min(1, p), MethodName)
        {
            Discordant = (counts.BaseOnly, counts.CandidateOnly),
            Confidence = confidence,
            Clusters = clusters,
            DesignEffect = deff,
        };
    }

    /// <summary>
    /// The variance inflation clustering causes, at least 1: the largest of the design effects of
    /// the paired difference and of each model's own outcomes. Changes are rare (a few items in a
    /// few clusters), so their clustering is poorly estimated from them alone; how each model's
    /// right and wrong answers cluster is estimated from every item, and a cluster whose answers
    /// move together is what makes its changes move together. When nothing varies, n / clusters.
    /// </summary>
    public static double DesignEffect(IReadOnlyList<(bool Base, bool Candidate, string Cluster)> pairs)
    {
        double[] Of(Func<(bool Base, bool Candidate, string Cluster), double> value) => [.. pairs.Select(value)];
        return DesignEffectOf(Groups([.. pairs.Select(p => p.Cluster)]),
            Of(p => (p.Candidate ? 1.0 : 0.0) - (p.Base ? 1.0 : 0.0)), Of(p => p.Base ? 1 : 0), Of(p => p.Candidate ? 1 : 0));
    }

    /// <summary>
    /// The design effect of <paramref name="primary"/>'s mean, or of any of <paramref name="others"/>
    /// where larger, at least 1; n / clusters when the primary does not vary (or all is one cluster).
    /// </summary>
    internal static double DesignEffectOf(List<int[]> groups, double[] primary, params double[][] others)
    {
        int n = primary.Length;
        if (groups.Count < 2) return n;   // one cluster: one piece of evidence
        if (VarianceRatio(primary, groups) is not { } effect) return (double)n / groups.Count;
        foreach (var series in others)
            if (VarianceRatio(series, groups) is { } other) effect = Math.Max(effect, other);
        return Math.Max(1, effect);
    }

    /// <summary>Each cluster's items, by their positions.</summary>
    internal static List<int[]> Groups(IReadOnlyList<string> clusters) =>
        [.. clusters.Select((c, i) => (c, i)).GroupBy(x => x.c, x => x.i).Select(g => g.ToArray())];

    /// <summary>
    /// The cluster-robust variance of the mean of <paramref name="x"/>, G/(G-1) Σ_g (X_g - x̄ n_g)² / n²,
    /// over its independent-items variance, n/(n-1) Σ_i (x_i - x̄)² / n²; null when x does not vary.
    /// </summary>
    internal static double? VarianceRatio(double[] x, List<int[]> groups)
    {
        int n = x.Length, clusters = groups.Count;
        double mean = x.Average();
        double independent = x.Sum(v => (v - mean) * (v - mean)) * n / (n - 1.0);
        if (independent <= 0) return null;
        double clustered = groups.Sum(g => Math.Pow(g.Sum(i => x[i]) - mean * g.Length, 2)) * clusters / (clusters - 1.0);
        return clustered / independent;
    }
}
