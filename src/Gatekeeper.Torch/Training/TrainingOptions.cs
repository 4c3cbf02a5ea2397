namespace Gatekeeper.Torch.Training;

/// <summary>Settings of one training run. Defaults suit fine-tuning the embedded base on two CPU cores.</summary>
public sealed record TrainingOptions
{
    /// <summary>Optimizer steps. Default 300.</summary>
    public int Steps { get; init; } = 300;

    /// <summary>Rows per batch. Default 32.</summary>
    public int BatchSize { get; init; } = 32;

    /// <summary>Tokens per row; at most the model's context. Default 128.</summary>
    public int SequenceLength { get; init; } = 128;

    /// <summary>Peak learning rate of AdamW. Default 1e-3.</summary>
    public double LearningRate { get; init; } = 1e-3;

    /// <summary>Steps of linear warm-up before the cosine decay. Default 0.</summary>
    public int WarmupSteps { get; init; }

    /// <summary>The learning rate the cosine decays to, as a fraction of the peak. Default 1 (constant).</summary>
    public double FinalLearningRateFraction { get; init; } = 1.0;

    /// <summary>AdamW weight decay. Default 0.</summary>
    public double WeightDecay { get; init; }

    /// <summary>Gradient norm clipping; 0 turns it off. Default 1.0.</summary>
    public double ClipNorm { get; init; } = 1.0;

    /// <summary>Batches whose gradients add up to one optimizer step. Default 1.</summary>
    public int GradientAccumulation { get; init; } = 1;

    /// <summary>
    /// Decay norms' gains and biases too, not only weights of two or more dimensions. Default false;
    /// the embedded base was pretrained so, and its recipe keeps it.
    /// </summary>
    public bool DecayEveryParameter { get; init; }

    /// <summary>Seeds batch sampling. Default 1.</summary>
    public int Seed { get; init; } = 1;

    /// <summary>Report progress every this many steps. Default 10.</summary>
    public int ReportEvery { get; init; } = 10;
}
