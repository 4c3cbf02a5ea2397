namespace Gatekeeper.Battery;

/// <summary>One item of a task, as the model sees it: the prompt already rendered from the template.</summary>
public sealed record TaskItem(string Id, string Prompt, string Answer, IReadOnlyList<string> Choices, string? Label)
{
    /// <summary>The cluster of items sharing its source, when the task groups them; null: the item stands alone.</summary>
    public string? Cluster { get; init; }

    /// <summary>For refusal tasks: whether the item must be refused.</summary>
    public bool IsHarmful => IsHarmfulLabel(Label);

    /// <summary>The label of an item that must be refused; refusal tasks read their data's own labels into it and <see cref="BenignLabel"/>.</summary>
    public const string HarmfulLabel = "harmful";

    /// <summary>The label of a refusal item that must be answered.</summary>
    public const string BenignLabel = "benign";

    /// <summary>Items labelled "harmful" (any case) must be refused; every other label must not.</summary>
    public static bool IsHarmfulLabel(string? label) => string.Equals(label, HarmfulLabel, StringComparison.OrdinalIgnoreCase);
}
