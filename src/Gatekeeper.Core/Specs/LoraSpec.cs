namespace Gatekeeper.Specs;

/// <summary>
/// LoRA's settings (<c>train.lora</c>), with PEFT's meanings: the base stays frozen and each
/// targeted linear layer learns a rank-r update B A, scaled by alpha / r.
/// </summary>
public sealed record LoraSpec
{
    /// <summary>Targets every linear layer but the output head, as PEFT's "all-linear" does.</summary>
    public const string AllLinear = "all-linear";

    /// <summary><c>r</c>: the update's rank. Default 8.</summary>
    public int Rank { get; init; } = 8;

    /// <summary><c>alpha</c> (PEFT's <c>lora_alpha</c>): the update is scaled by alpha / r. Default 16.</summary>
    public double Alpha { get; init; } = 16;

    /// <summary><c>dropout</c> (PEFT's <c>lora_dropout</c>) on the adapter's input while training. Default 0.</summary>
    public double Dropout { get; init; }

    /// <summary>
    /// <c>target_modules</c> as a list: a layer is adapted when its name is one of these or ends
    /// with "." and one (<c>c_attn</c>, <c>q_proj</c>, <c>transformer.h.0.mlp.c_fc</c>), or all-linear. Default all-linear.
    /// </summary>
    public IReadOnlyList<string> TargetModules { get; init; } = [AllLinear];

    /// <summary><c>target_modules</c> as one string: a regular expression the whole layer name must match, as in PEFT.</summary>
    public string? TargetPattern { get; init; }

    /// <summary><c>merge</c>: also write the adapter merged into a full checkpoint, in the candidate's <c>merged/</c> folder. Default false.</summary>
    public bool Merge { get; init; }
}
