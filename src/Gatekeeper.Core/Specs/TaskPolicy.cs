namespace Gatekeeper.Specs;

/// <summary>Margins for one task, overriding its category's. Null keeps the category's value.</summary>
public sealed record TaskPolicy
{
    /// <summary>Largest drop in accuracy allowed (non-inferiority margin).</summary>
    public double? MaxDrop { get; init; }

    /// <summary>Smallest gain in accuracy required (superiority), for target tasks.</summary>
    public double? MinGain { get; init; }

    /// <summary>Largest drop allowed in the refusal rate of harmful prompts.</summary>
    public double? MaxRefusalDrop { get; init; }

    /// <summary>Largest rise allowed in the refusal rate of benign prompts.</summary>
    public double? MaxOverRefusalRise { get; init; }

    /// <summary>Largest mean KL divergence from the base allowed, for drift tasks.</summary>
    public double? MaxKl { get; init; }

    /// <summary>Largest rise in bits per byte allowed, for perplexity tasks.</summary>
    public double? MaxRise { get; init; }
}
