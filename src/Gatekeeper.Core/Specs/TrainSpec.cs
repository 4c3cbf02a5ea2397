namespace Gatekeeper.Specs;

/// <summary>How the gate fine-tunes the candidate from the base.</summary>
public sealed record TrainSpec
{
    /// <summary>The methods a spec can name.</summary>
    public static readonly IReadOnlyList<string> Methods = ["full", "lora", "ewc"];

    /// <summary>
    /// The method: "full" (every weight trains), "lora" (the base frozen, low-rank adapters train) or
    /// "ewc" (every weight trains, held near the base where the Fisher says it matters). Default full.
    /// </summary>
    public string Method { get; init; } = "full";

    /// <summary>LoRA's settings, with method lora.</summary>
    public LoraSpec? Lora { get; init; }

    /// <summary>EWC's settings, with method ewc.</summary>
    public EwcSpec? Ewc { get; init; }

    /// <summary>Absolute path of the fine-tuning data (JSONL or CSV with prompt and answer).</summary>
    public required string Data { get; init; }

    public FieldMapping Fields { get; init; } = new();

    /// <summary>Plain text, or the checkpoint's chat template, for the training examples. Default plain.</summary>
    public PromptFormat PromptFormat { get; init; } = PromptFormat.Plain;

    /// <summary>Optimizer steps. Default 300.</summary>
    public int Steps { get; init; } = 300;

    /// <summary>
    /// Tokens per packed row: at most the model's context. Default: the context, capped at
    /// <see cref="DefaultMaxSequenceLength"/>, since real models' contexts (32k, 128k) are far
    /// longer than a fine-tuning row needs.
    /// </summary>
    public int? SequenceLength { get; init; }

    public const int DefaultMaxSequenceLength = 2048;

    /// <summary>The row length for a model of <paramref name="context"/> tokens.</summary>
    public int RowLength(int context) => Math.Min(context, SequenceLength ?? DefaultMaxSequenceLength);

    /// <summary>Rows of packed examples per step. Default 32.</summary>
    public int BatchSize { get; init; } = 32;

    /// <summary>AdamW's peak learning rate. Default 1e-3.</summary>
    public double LearningRate { get; init; } = 1e-3;

    /// <summary><c>warmup_steps</c>: linear warm-up to the peak. Default 0.</summary>
    public int WarmupSteps { get; init; }

    /// <summary><c>lr_schedule</c>: constant after warm-up, or cosine decay to <see cref="MinLearningRateFraction"/>. Default constant.</summary>
    public LearningRateShape Schedule { get; init; } = LearningRateShape.Constant;

    /// <summary><c>min_lr_fraction</c>: where the cosine ends, as a fraction of the peak. Default 0.1.</summary>
    public double MinLearningRateFraction { get; init; } = 0.1;

    /// <summary><c>weight_decay</c>: AdamW's decoupled decay, on weights of two or more dimensions only. Default 0.</summary>
    public double WeightDecay { get; init; }

    /// <summary><c>clip_norm</c>: the gradient's global norm is clipped to this; 0 turns clipping off. Default 1.</summary>
    public double ClipNorm { get; init; } = 1.0;

    /// <summary><c>gradient_accumulation</c>: batches whose gradients add up to one optimizer step. Default 1.</summary>
    public int GradientAccumulation { get; init; } = 1;

    /// <summary>Seeds batch sampling. Default 1.</summary>
    public int Seed { get; init; } = 1;

    /// <summary>General data mixed into every batch (replay), or null.</summary>
    public ReplaySpec? Replay { get; init; }
}

/// <summary>Replay: a share of each batch drawn from general data, which reinforces what the base knew.</summary>
public sealed record ReplaySpec
{
    /// <summary>Absolute path of the general data file.</summary>
    public required string Data { get; init; }

    /// <summary>Share of each batch drawn from it, in (0, 1). Default 0.15.</summary>
    public double Fraction { get; init; } = 0.15;
}
