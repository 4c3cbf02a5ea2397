using Gatekeeper.Specs;

namespace Gatekeeper.Verdicts;

/// <summary>
/// How much was forgotten, in one glance: the mean drop in accuracy over general tasks, and per
/// category that can forget (general, safety) the mean relative drop: the drop divided by the
/// base's score, or for rates where lower is better the rise divided by the base's headroom.
/// </summary>
public sealed record ForgettingSummary(double AverageGeneralDrop, IReadOnlyDictionary<TaskCategory, double> RelativeDropByCategory)
{
    /// <summary>Backward transfer over the earlier fine-tunes of the chain, when the spec names them.</summary>
    public BackwardTransfer? BackwardTransfer { get; init; }
}
