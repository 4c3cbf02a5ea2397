namespace Gatekeeper.Tasks.Refusal;

/// <summary>A refusal task's keys: <c>refusal_markers</c> and <c>max_new_tokens</c>.</summary>
public sealed record RefusalSettings : TaskSettings
{
    /// <summary>Phrases that mark a refusal. Default (empty): <see cref="RefusalDetector.DefaultMarkers"/>.</summary>
    public IReadOnlyList<string> Markers { get; init; } = [];

    /// <summary>Longest answer generated, in tokens. Default <see cref="GenerationRequest.DefaultMaxNewTokens"/>.</summary>
    public int MaxNewTokens { get; init; } = GenerationRequest.DefaultMaxNewTokens;

    /// <summary>The phrases answers are actually scored by: the markers given, else the defaults.</summary>
    public IReadOnlyList<string> EffectiveMarkers => RefusalDetector.MarkersFor(Markers);

    public override TaskSettings AsScored() => this with { Markers = EffectiveMarkers };
}
