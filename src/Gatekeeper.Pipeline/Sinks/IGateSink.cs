using Gatekeeper.Specs;
using Gatekeeper.Torch.Training;

namespace Gatekeeper.Pipeline.Sinks;

/// <summary>
/// Where a gate's result goes once it is decided: the report files, MLflow, later the PR comment.
/// A sink receives the finished <see cref="GateResult"/> once (<see cref="Publish"/>); one that shows
/// the gate while it works (MLflow's runs open and close with their stages) also follows the stages.
/// A sink never reads another sink's output, and its failure never changes the verdict: the sinks'
/// set (<see cref="GateSinks"/>) reports it and stops calling that sink. Adding a sink is a class
/// here and a line in <see cref="GateSinks.For"/>.
/// </summary>
public interface IGateSink
{
    /// <summary>The sink's name in messages: "mlflow", "report".</summary>
    string Name { get; }

    /// <summary>Where this sink's records of the gate can be found, as the report names them; null when it has none to name.</summary>
    string? Where => null;

    void Started(GateStart start)
    {
    }

    void StageStarted(GateStage stage, DateTimeOffset at)
    {
    }

    void Training(TrainingProgress progress)
    {
    }

    void StageEnded(StageRecord record)
    {
    }

    void Publish(GateResult result);

    /// <summary>The gate is over (decided, failed or cancelled); always called once <see cref="Started"/> was.</summary>
    void Ended(GateEnd end)
    {
    }
}

/// <summary>A gate as it starts: its spec, when, and what its records are tagged with.</summary>
public sealed record GateStart(GateSpec Spec, DateTimeOffset At, IReadOnlyDictionary<string, string> Tags, string CodeVersion);

/// <summary>How a gate ended: decided (whatever the verdict), failed (bad input, a fault) or cancelled.</summary>
public sealed record GateEnd(GateEndState State, DateTimeOffset At);

public enum GateEndState
{
    Decided,
    Failed,
    Cancelled,
}

/// <summary>The stages of a gate, in order.</summary>
public enum GateStage
{
    Train,
    EvaluateBase,
    EvaluateCandidate,
    Decide,
}

/// <summary>What a stage did, and when it started and ended.</summary>
public abstract record StageRecord(GateStage Stage, DateTimeOffset Started, DateTimeOffset Ended)
{
    public TimeSpan Elapsed => Ended - Started;
}

/// <summary>
/// The candidate made: trained by the gate (<see cref="Training"/>), or by the spec's training
/// command (no training record), in <see cref="CandidateFolder"/>.
/// </summary>
public sealed record TrainingStageRecord(DateTimeOffset Started, DateTimeOffset Ended, string CandidateFolder, string CandidateSha256, string BaseSha256,
    TrainingRecord? Training) : StageRecord(GateStage.Train, Started, Ended);

/// <summary>One model's evaluation (<see cref="Role"/>: base or candidate), written to <see cref="Folder"/>.</summary>
public sealed record EvaluationStageRecord(GateStage Stage, DateTimeOffset Started, DateTimeOffset Ended, string Role, ModelEvaluation Evaluation, string Folder)
    : StageRecord(Stage, Started, Ended);

/// <summary>The decision: drift, earlier fine-tunes and the verdict.</summary>
public sealed record DecideStageRecord(DateTimeOffset Started, DateTimeOffset Ended) : StageRecord(GateStage.Decide, Started, Ended);
