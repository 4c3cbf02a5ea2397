namespace Gatekeeper.Statistics;

/// <summary>
/// Base and candidate scored on the same n items: their scores, the difference (candidate minus
/// base), its confidence interval and the p-value of the test that they differ.
/// </summary>
public sealed record PairedComparison(
    int N,
    double BaseScore,
    double CandidateScore,
    double Difference,
    Interval Interval,
    double PValue,
    string Method)
{
    /// <summary>The confidence level of <see cref="Interval"/>.</summary>
    public double Confidence { get; init; } = 0.95;

    /// <summary>Items right for the base only and for the candidate only (binary outcomes), else null.</summary>
    public (int BaseOnly, int CandidateOnly)? Discordant { get; init; }

    /// <summary>Clusters the n items form, when the task groups them; null when every item stands alone.</summary>
    public int? Clusters { get; init; }

    /// <summary>The variance inflation the clusters cause (1 when they cause none), by which the interval was widened; null without clusters.</summary>
    public double? DesignEffect { get; init; }

    /// <summary>
    /// The comparison of a model with itself: the difference is known to be 0 on every item, not
    /// just on the sampled ones, so the interval is exactly [0, 0] at any confidence.
    /// </summary>
    public PairedComparison AsIdentical() => this with
    {
        CandidateScore = BaseScore, Difference = 0, Interval = new Interval(0, 0), PValue = 1,
        Method = "identical models: no change on any item",
    };
}
