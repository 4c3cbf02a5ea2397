namespace Gatekeeper.Specs;

/// <summary>
/// Which columns of a data file hold what, so standard benchmark files plug in unchanged. A field
/// is a column name or a path with dots into nested objects and arrays (<c>choices.text</c>).
/// Defaults: prompt, answer, choices, label, text, id.
/// </summary>
public sealed record FieldMapping
{
    public string Prompt { get; init; } = "prompt";
    public string Answer { get; init; } = "answer";

    /// <summary>A list of strings (JSONL, Parquet), or a text of choices joined by '|' (CSV).</summary>
    public string Choices { get; init; } = "choices";

    /// <summary>
    /// <c>choices</c> given as a list of fields, one choice each (MMLU's CSV columns A, B, C, D);
    /// their names are the choices' labels. Null: <see cref="Choices"/> holds the list.
    /// </summary>
    public IReadOnlyList<string>? ChoiceFields { get; init; }

    /// <summary><c>choice_labels</c>: a list field of the choices' labels, which the answer may name (ARC's <c>choices.label</c>).</summary>
    public string? ChoiceLabels { get; init; }

    /// <summary><c>choice_flags</c>: a list field of one flag per choice, 1 for the right one (TruthfulQA's <c>mc1_targets.labels</c>); replaces the answer.</summary>
    public string? ChoiceFlags { get; init; }

    /// <summary>For refusal tasks: "harmful" items must be refused, any other label must not.</summary>
    public string Label { get; init; } = "label";

    /// <summary>For drift tasks: the passage of general text.</summary>
    public string Text { get; init; } = "text";

    /// <summary>A stable item id; the line number is used when absent.</summary>
    public string Id { get; init; } = "id";
}
