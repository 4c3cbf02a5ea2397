using Gatekeeper.Tasks;

namespace Gatekeeper.Specs;

/// <summary>
/// A task of the battery: data, a prompt template, its kind (which decides how it is scored) and
/// the kind's own settings. Declared in the gate spec with a closed vocabulary; no code.
/// </summary>
public sealed record TaskSpec
{
    public required string Name { get; init; }
    public required TaskCategory Category { get; init; }
    public required ITaskKind Kind { get; init; }

    /// <summary>The settings the kind reads from its own keys (<see cref="ITaskKind.Keys"/>).</summary>
    public TaskSettings Settings { get; init; } = TaskSettings.None;

    /// <summary>Bumped when the task's meaning changes, so cached results are not reused. Default 1.</summary>
    public int Version { get; init; } = 1;

    /// <summary>Absolute path of the data file: JSONL, JSON, CSV or Parquet.</summary>
    public required string Data { get; init; }

    /// <summary><c>sha256</c>: the data file's pinned hash; a file with another is refused. Default: not pinned.</summary>
    public string? DataSha256 { get; init; }

    /// <summary><c>columns</c>: the column names of a CSV file without a header row, in order. Default: the first row names them.</summary>
    public IReadOnlyList<string>? Columns { get; init; }

    public FieldMapping Fields { get; init; } = new();

    /// <summary>Prompt template with <c>{prompt}</c> and any other field in braces. Default: the prompt as is.</summary>
    public string Template { get; init; } = "{prompt}";

    /// <summary>Plain text, or the checkpoint's chat template. Default plain.</summary>
    public PromptFormat PromptFormat { get; init; } = PromptFormat.Plain;

    /// <summary>Solved examples before each prompt; only for kinds scored by right answers. Default none (zero-shot).</summary>
    public FewShotSpec? FewShot { get; init; }

    /// <summary>How items group into clusters of one source (<c>cluster_field</c> or <c>cluster_id_separator</c>). Default: every item alone.</summary>
    public ClusterSpec? Cluster { get; init; }

    /// <summary>Evaluate only the first this many items. Default: all.</summary>
    public int? Limit { get; init; }
}
