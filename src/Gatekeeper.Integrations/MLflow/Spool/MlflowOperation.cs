using System.Text.Json.Serialization;

namespace Gatekeeper.Integrations.MLflow.Spool;

/// <summary>
/// One record for MLflow as the spool keeps it until the store has it. Runs are named by a key of
/// the gate's own (<see cref="Run"/>), not by the store's id, so a record can be sent to a store
/// that has not seen the run yet, and sent again without making a second run.
/// </summary>
[JsonPolymorphic(TypeDiscriminatorPropertyName = "op")]
[JsonDerivedType(typeof(MlflowStartRun), "start")]
[JsonDerivedType(typeof(MlflowLog), "log")]
[JsonDerivedType(typeof(MlflowArtifact), "artifact")]
[JsonDerivedType(typeof(MlflowEndRun), "end")]
public abstract record MlflowOperation(string Run);

/// <summary>Starts the run <see cref="MlflowOperation.Run"/> in the named experiment, under <see cref="Parent"/> (a run key) when given.</summary>
public sealed record MlflowStartRun(string Run, string Experiment, string Name, string? Parent, DateTimeOffset Start, IReadOnlyDictionary<string, string> Tags)
    : MlflowOperation(Run);

/// <summary>Params, tags and metric points of a run.</summary>
public sealed record MlflowLog(string Run, IReadOnlyDictionary<string, string> Params, IReadOnlyDictionary<string, string> Tags, IReadOnlyList<MlflowPoint> Metrics)
    : MlflowOperation(Run)
{
    public static MlflowLog OfMetrics(string run, IReadOnlyList<MlflowPoint> metrics) => new(run, Empty, Empty, metrics);

    public static MlflowLog OfTags(string run, IReadOnlyDictionary<string, string> tags) => new(run, Empty, tags, []);

    private static readonly IReadOnlyDictionary<string, string> Empty = new Dictionary<string, string>();
}

/// <summary>A file the spool keeps (<see cref="File"/>, relative to its folder), to go into the run's artifacts at <see cref="Path"/>.</summary>
public sealed record MlflowArtifact(string Run, string File, string Path) : MlflowOperation(Run);

/// <summary>Ends the run with its status at the time it ended.</summary>
public sealed record MlflowEndRun(string Run, MlflowRunStatus Status, DateTimeOffset End) : MlflowOperation(Run);
