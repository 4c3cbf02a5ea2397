namespace Gatekeeper.Corpus;

/// <summary>
/// One example of the synthetic capability corpus: a chat turn (prompt and answer) or, for plain
/// text, a passage with an empty prompt.
/// </summary>
/// <param name="Id">Stable identity of the item; the split is decided from it.</param>
/// <param name="Capability">The capability it exercises (facts, arithmetic, ...).</param>
/// <param name="Prompt">The user's words; empty for plain text.</param>
/// <param name="Answer">The expected answer, or the passage itself for plain text.</param>
/// <param name="Split">Which split the item belongs to.</param>
/// <param name="Label">Extra label for the scorer: "harmful" or "benign" for safety items.</param>
public sealed record CorpusItem(string Id, string Capability, string Prompt, string Answer, CorpusSplit Split, string? Label = null)
{
    public bool IsPlainText => Prompt.Length == 0;
}
