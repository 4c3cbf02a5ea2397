namespace Gatekeeper.Specs;

/// <summary>
/// Elastic weight consolidation's settings (<c>train.ewc</c>, Kirkpatrick et al. 2017): full
/// fine-tuning plus the penalty λ/2 · Σ F_i (θ_i − θ*_i)², where θ* is the base and F the diagonal
/// of the Fisher information estimated on general data, so weights that matter to what the base
/// could do move least.
/// </summary>
public sealed record EwcSpec
{
    /// <summary><c>lambda</c>: the penalty's weight. Default 10000.</summary>
    public double Lambda { get; init; } = 10_000;

    /// <summary><c>fisher_data</c>: general data (prompt and answer) the Fisher is estimated on. Default: the replay data.</summary>
    public required string FisherData { get; init; }

    /// <summary><c>fisher_batches</c>: batches averaged into the Fisher. Default 64.</summary>
    public int FisherBatches { get; init; } = 64;

    /// <summary><c>fisher_batch_size</c>: rows per batch; 1 gives the per-example empirical Fisher. Default 4.</summary>
    public int FisherBatchSize { get; init; } = 4;

    /// <summary>
    /// <c>online_decay</c>: γ of online EWC (Schwarz et al. 2018) along the spec's <c>history:</c>.
    /// The penalty's Fisher is then F_base + Σ_k γ^(n−k) · F_k over the n earlier fine-tunes, oldest
    /// k = 1: each F_k measured at that fine-tune's checkpoint on the data it trained on (its
    /// <c>data</c>, else <see cref="FisherData"/>), so the newest counts fully and older ones fade.
    /// The anchor stays the base, the chain's latest model. Default none: plain EWC, the base's Fisher alone.
    /// </summary>
    public double? OnlineDecay { get; init; }

    /// <summary>The earlier fine-tunes online EWC consolidates, oldest first; from the spec's history. Empty unless <see cref="OnlineDecay"/> is set.</summary>
    public IReadOnlyList<EwcEarlierFineTune> Chain { get; init; } = [];
}

/// <summary>An earlier fine-tune of the chain, as online EWC needs it: its checkpoint and the data its Fisher is measured on.</summary>
public sealed record EwcEarlierFineTune(string Checkpoint, string Data);
