using Gatekeeper.Torch.Training;

namespace Gatekeeper.Torch.Pretraining;

/// <summary>How the embedded base is pretrained. The defaults produce the committed base.</summary>
public sealed record PretrainOptions
{
    /// <summary>Seeds initialisation and batch sampling. Default 1.</summary>
    public int Seed { get; init; } = 1;

    /// <summary>The optimizer settings. Default: 7500 steps of 32 rows of 128 tokens, AdamW 2e-3, 200 warm-up steps, cosine to 10%.</summary>
    public TrainingOptions Training { get; init; } = new()
    {
        Steps = 7500,
        BatchSize = 32,
        SequenceLength = 128,
        LearningRate = 2e-3,
        WarmupSteps = 200,
        FinalLearningRateFraction = 0.1,
        WeightDecay = 0.01,
        ClipNorm = 1.0,
        ReportEvery = 50,
        DecayEveryParameter = true,
    };

    /// <summary>Share of each capability in the pretraining mixture.</summary>
    public IReadOnlyDictionary<string, double> Mixture { get; init; } = Gatekeeper.Corpus.CapabilityCorpus.Mixture;

    /// <summary>Evaluate held-out accuracy every this many steps (0: only at the end). Default 1500.</summary>
    public int ProbeEvery { get; init; } = 1500;

    /// <summary>Held-out items per capability and split in the periodic probe. Default 60.</summary>
    public int ProbeSample { get; init; } = 60;

    /// <summary>Held-out items per capability and split in the final probe, recorded in the manifest. Default 400.</summary>
    public int FinalProbeSample { get; init; } = 400;
}
