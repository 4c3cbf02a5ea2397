namespace Gatekeeper.Specs;

/// <summary>
/// A gate: the base checkpoint, how the candidate is obtained, the battery and the policy. Loaded
/// from <c>gates/*.yaml</c> by <see cref="GateSpecLoader"/>; paths in it are absolute by then.
/// </summary>
public sealed record GateSpec
{
    public required string Name { get; init; }
    public string Description { get; init; } = "";

    /// <summary>The file it was loaded from.</summary>
    public required string SourceFile { get; init; }

    /// <summary>Checkpoint folder of the base.</summary>
    public required string Base { get; init; }

    /// <summary>How to fine-tune the candidate; null when <see cref="Candidate"/> is given.</summary>
    public TrainSpec? Train { get; init; }

    /// <summary>A command that trains the candidate outside the gate; null unless <c>train:</c> names a <c>command</c>.</summary>
    public TrainCommandSpec? TrainCommand { get; init; }

    /// <summary>Checkpoint (or PEFT adapter) folder of a candidate trained elsewhere; null when <see cref="Train"/> is given.</summary>
    public string? Candidate { get; init; }

    public required IReadOnlyList<TaskSpec> Battery { get; init; }

    /// <summary>Earlier fine-tunes of this chain, oldest first, for backward transfer. Default none.</summary>
    public IReadOnlyList<HistoryStep> History { get; init; } = [];

    public GatePolicy Policy { get; init; } = new();

    /// <summary>Device and dtype of the models. Default float32 on the CPU.</summary>
    public ComputeSpec Compute { get; init; } = new();

    /// <summary>Seeds the bootstrap and anything else random in the comparison. Default 1.</summary>
    public int Seed { get; init; } = 1;

    /// <summary>A folder of the gate's own report templates, each replacing the default of its name; null: the defaults.</summary>
    public string? Templates { get; init; }

    /// <summary>Registry promotion of a candidate that passes; null: none (the default).</summary>
    public PromoteSpec? Promote { get; init; }
}

/// <summary>
/// On pass, the candidate becomes a new version of the registered model <see cref="Model"/> and the
/// alias <see cref="Alias"/> moves to it; never on fail or inconclusive.
/// </summary>
public sealed record PromoteSpec(string Model, string Alias)
{
    public const string DefaultAlias = "champion";
}
