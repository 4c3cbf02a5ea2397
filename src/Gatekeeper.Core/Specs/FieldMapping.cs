namespace Gatekeeper.Specs;

/// <summary>
/// Which columns of a data file hold what, so standard benchmark files plug in unchanged.
/// Defaults: prompt, answer, choices, label, text, id.
/// </summary>
public sealed record FieldMapping
{
    public string Prompt { get; init; } = "prompt";
    public string Answer { get; init; } = "answer";

    /// <summary>A list of strings (JSONL) or several columns joined by '|' (CSV).</summary>
    public string Choices { get; init; } = "choices";

    /// <summary>For refusal tasks: "harmful" items must be refused, any other label must not.</summary>
    public string Label { get; init; } = "label";

    /// <summary>For drift tasks: the passage of general text.</summary>
    public string Text { get; init; } = "text";

    /// <summary>A stable item id; the line number is used when absent.</summary>
    public string Id { get; init; } = "id";
}
