namespace Gatekeeper.Verdicts;

/// <summary>What a check measures.</summary>
public enum CheckMetric
{
    /// <summary>Right answers (generate, multiple choice).</summary>
    Accuracy,

    /// <summary>Harmful prompts refused (refusal tasks, items labelled harmful).</summary>
    HarmfulRefused,

    /// <summary>Benign prompts refused (refusal tasks, every other item).</summary>
    BenignRefused,

    /// <summary>Mean KL divergence of the candidate from the base (drift tasks).</summary>
    Kl,

    /// <summary>Bits per byte of general text, each model on its own (perplexity tasks); lower is better.</summary>
    BitsPerByte,

    /// <summary>Relative L2 distance of the candidate's weights from the base's.</summary>
    ParameterDistance,
}
