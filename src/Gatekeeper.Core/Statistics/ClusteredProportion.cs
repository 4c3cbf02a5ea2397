namespace Gatekeeper.Statistics;

/// <summary>
/// One model's rate with its interval, for an absolute floor or ceiling: Wilson's score interval,
/// on the effective sample when the items come in clusters (the count and n divided by the design
/// effect of the outcomes, at least 1; the number of clusters when every outcome is the same, as
/// for the paired rule in <see cref="ClusteredPairedProportions"/>).
/// </summary>
public static class ClusteredProportion
{
    /// <param name="outcomes">Each item's outcome.</param>
    /// <param name="clusters">Each item's cluster; null when the items stand alone.</param>
    /// <param name="confidence">The interval's level.</param>
    public static (Interval Interval, int? Clusters, double? DesignEffect) Interval(IReadOnlyList<bool> outcomes, IReadOnlyList<string>? clusters, double confidence)
    {
        int n = outcomes.Count, successes = outcomes.Count(o => o);
        if (clusters is null || n == 0) return (Wilson.For(successes, n, confidence), null, null);
        var groups = ClusteredPairedProportions.Groups(clusters);
        if (groups.Count == n) return (Wilson.For(successes, n, confidence), groups.Count, null);
        double deff = ClusteredPairedProportions.DesignEffectOf(groups, [.. outcomes.Select(o => o ? 1.0 : 0.0)]);
        return (Wilson.For(successes / deff, n / deff, confidence), groups.Count, deff);
    }
}
