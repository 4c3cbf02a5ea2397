using Gatekeeper.Battery;

namespace Gatekeeper.Tasks.Refusal;

/// <summary>A refusal task's keys: <c>refusal_markers</c>, <c>harmful_labels</c> and <c>max_new_tokens</c>.</summary>
public sealed record RefusalSettings : TaskSettings
{
    /// <summary>Phrases that mark a refusal. Default (empty): <see cref="PhraseRefusalDetector.DefaultMarkers"/>.</summary>
    public IReadOnlyList<string> Markers { get; init; } = [];

    /// <summary>
    /// <c>harmful_labels</c>: the label values of items that must be refused (XSTest's <c>unsafe</c>);
    /// every other value must not be. Compared ignoring case. Default: <c>harmful</c>.
    /// </summary>
    public IReadOnlyList<string> HarmfulLabels { get; init; } = [TaskItem.HarmfulLabel];

    /// <summary>Longest answer generated, in tokens. Default <see cref="GenerationRequest.DefaultMaxNewTokens"/>.</summary>
    public int MaxNewTokens { get; init; } = GenerationRequest.DefaultMaxNewTokens;

    /// <summary>The phrases answers are actually scored by: the markers given, else the defaults.</summary>
    public IReadOnlyList<string> EffectiveMarkers => PhraseRefusalDetector.MarkersFor(Markers);

    /// <summary>The detector answers are scored by: the phrase list of <see cref="EffectiveMarkers"/>.</summary>
    public IRefusalDetector Detector() => new PhraseRefusalDetector(Markers);

    public override TaskSettings AsScored() => this with { Markers = EffectiveMarkers };
}
