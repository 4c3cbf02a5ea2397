namespace Gatekeeper.Specs;

/// <summary>
/// <c>few_shot</c>: solved examples put before each item's prompt, as lm-evaluation-harness does for
/// base models: each example is its prompt, a space and its answer; examples and the item are
/// separated by a blank line. Drawn from their own data file (a named split, such as a benchmark's
/// train or dev set) with the task's fields and template, never the item itself, and chosen for each
/// item by the seed and the item's id alone, so the same item always gets the same examples.
/// </summary>
public sealed record FewShotSpec
{
    /// <summary><c>data</c>: the file the examples come from.</summary>
    public required string Data { get; init; }

    /// <summary><c>count</c>: examples before each item. Default 5.</summary>
    public int Count { get; init; } = 5;

    /// <summary><c>seed</c>: chooses the examples. Default 1234 (lm-evaluation-harness's).</summary>
    public int Seed { get; init; } = 1234;
}
