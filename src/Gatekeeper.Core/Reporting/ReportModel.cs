using Gatekeeper.Verdicts;

namespace Gatekeeper.Reporting;

/// <summary>Everything a report shows, as plain data: templates render it, nothing else computes.</summary>
public sealed record ReportModel
{
    public required string GateName { get; init; }
    public string Description { get; init; } = "";
    public required Verdict Verdict { get; init; }
    public required ModelInfo Base { get; init; }
    public required ModelInfo Candidate { get; init; }
    public TrainingInfo? Training { get; init; }

    /// <summary>A few items per failed or inconclusive check where the base was right and the candidate wrong.</summary>
    public IReadOnlyList<RegressionExample> Examples { get; init; } = [];

    /// <summary>Where the MLflow records went: a run id and its location.</summary>
    public string? MlflowRun { get; init; }

    public TimeSpan? Elapsed { get; init; }

    /// <summary>The gate's earlier runs, oldest first, as its MLflow records had them when this report was made; null when they could not be read.</summary>
    public GateHistory? History { get; init; }

    /// <summary>What registry promotion did, when the spec asks for it.</summary>
    public PromotionInfo? Promotion { get; init; }
}

/// <summary>
/// Registry promotion as it went: the version the candidate became and the version that held the
/// alias before (null: none), or why nothing was promoted (<see cref="NotPromoted"/>).
/// </summary>
public sealed record PromotionInfo(string Model, string Alias, string? Version, string? PreviousVersion, string? NotPromoted);

/// <summary>A model as the report names it.</summary>
public sealed record ModelInfo(string Label, string ContentSha256, string Method);

/// <summary>How the candidate was trained.</summary>
public sealed record TrainingInfo(string Method, int Steps, double LearningRate, int BatchSize, double? ReplayFraction, double FinalLoss, TimeSpan Elapsed)
{
    /// <summary>Parameters the optimizer updated; null when unknown.</summary>
    public long? TrainableParameters { get; init; }

    /// <summary>The mean loss of each reporting window, by the step that closed it; empty when unknown.</summary>
    public IReadOnlyList<StepLoss> LossCurve { get; init; } = [];
}

/// <summary>One point of a loss curve.</summary>
public sealed record StepLoss(int Step, double Loss);

/// <summary>One item that regressed, for a human to look at.</summary>
public sealed record RegressionExample(string Check, string Prompt, string Expected, string BaseOutput, string CandidateOutput);
