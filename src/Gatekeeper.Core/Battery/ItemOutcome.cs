namespace Gatekeeper.Battery;

/// <summary>
/// How one model did on one item. <see cref="Correct"/> is the outcome the statistics compare;
/// for refusal tasks it means "refused exactly when it should", and <see cref="Refused"/> says which.
/// </summary>
public sealed record ItemOutcome
{
    public required string Task { get; init; }
    public required string ItemId { get; init; }
    public required string Prompt { get; init; }
    public required string Expected { get; init; }

    /// <summary>What the model wrote (generate, refusal) or chose (multiple choice).</summary>
    public required string Output { get; init; }

    public required bool Correct { get; init; }

    /// <summary>For drift tasks: the item's mean KL divergence from the base, in nats (0 for the base itself).</summary>
    public double? Score { get; init; }

    /// <summary>For refusal tasks: whether the output refused.</summary>
    public bool? Refused { get; init; }

    /// <summary>The item's label (refusal tasks: harmful or benign).</summary>
    public string? Label { get; init; }

    /// <summary>The item's cluster when its task groups items (<see cref="Specs.TaskSpec.Cluster"/>); null: the item stands alone.</summary>
    public string? Cluster { get; init; }
}
