namespace Gatekeeper.Specs;

/// <summary>
/// A task of the battery: data, a prompt template, and how to score. Declared in the gate spec with
/// a closed vocabulary; no code.
/// </summary>
public sealed record TaskSpec
{
    public required string Name { get; init; }
    public required TaskCategory Category { get; init; }
    public required TaskKind Kind { get; init; }

    /// <summary>Bumped when the task's meaning changes, so cached results are not reused. Default 1.</summary>
    public int Version { get; init; } = 1;

    /// <summary>Absolute path of the JSONL or CSV data file.</summary>
    public required string Data { get; init; }

    public FieldMapping Fields { get; init; } = new();

    /// <summary>Prompt template with <c>{prompt}</c> and any other field in braces. Default: the prompt as is.</summary>
    public string Template { get; init; } = "{prompt}";

    /// <summary>Plain text, or the checkpoint's chat template. Default plain.</summary>
    public PromptFormat PromptFormat { get; init; } = PromptFormat.Plain;

    /// <summary>For generate tasks. Default exact.</summary>
    public MatcherKind Matcher { get; init; } = MatcherKind.Exact;

    /// <summary>The regular expression for the regex matcher; when null the item's answer is the pattern.</summary>
    public string? Pattern { get; init; }

    /// <summary>For refusal tasks: phrases that mark a refusal. Default: <c>RefusalDetector.DefaultMarkers</c>.</summary>
    public IReadOnlyList<string> RefusalMarkers { get; init; } = [];

    /// <summary>Longest answer generated, in tokens. Default 48.</summary>
    public int MaxNewTokens { get; init; } = 48;

    /// <summary>Evaluate only the first this many items. Default: all.</summary>
    public int? Limit { get; init; }
}
