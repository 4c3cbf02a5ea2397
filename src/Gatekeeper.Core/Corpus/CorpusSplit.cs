namespace Gatekeeper.Corpus;

/// <summary>Which part of the corpus an item belongs to. No item is in two splits.</summary>
public enum CorpusSplit
{
    /// <summary>Seen during pretraining.</summary>
    Train,

    /// <summary>
    /// Held out: a combination (fact and phrasing, request and phrasing, operand pair) never seen in
    /// training, although each of its parts was.
    /// </summary>
    HeldOut,

    /// <summary>
    /// Held out harder: safety requests whose verb and object were never paired in training. Reported
    /// beside <see cref="HeldOut"/> to show how far refusal generalises.
    /// </summary>
    Unseen,
}
