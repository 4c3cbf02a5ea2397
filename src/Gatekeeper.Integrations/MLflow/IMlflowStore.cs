namespace Gatekeeper.Integrations.MLflow;

/// <summary>
/// The part of MLflow's tracking API the gate uses, as a local file store (<see cref="MlflowFileStore"/>)
/// or a tracking server over REST (<see cref="Rest.MlflowRestClient"/>) offers it. Every time is given
/// by the caller, so a run's start and end and each metric point carry when they really happened,
/// also when the records are sent later (<see cref="Spool.MlflowSpool"/>).
/// </summary>
public interface IMlflowStore
{
    /// <summary>Human-readable location for messages: a folder or a URL.</summary>
    string Location { get; }

    /// <summary>The experiment's id, or null when there is none of that name (nothing is created).</summary>
    Task<string?> FindExperimentAsync(string name, CancellationToken cancellation);

    /// <summary>The experiment's id, creating it when absent (tolerating a concurrent creator).</summary>
    Task<string> GetOrCreateExperimentAsync(string name, CancellationToken cancellation);

    /// <summary>Starts a run at <see cref="MlflowNewRun.Start"/>; a child run names its parent.</summary>
    Task<string> CreateRunAsync(MlflowNewRun run, CancellationToken cancellation);

    /// <summary>Params, tags and metric points, in as many calls as the store needs. A param keeps its first value; logging it again with that value is no change.</summary>
    Task LogBatchAsync(string runId, IReadOnlyDictionary<string, string> parameters, IReadOnlyDictionary<string, string> tags,
        IReadOnlyList<MlflowPoint> metrics, CancellationToken cancellation);

    /// <summary>Every point of one metric of a run.</summary>
    Task<IReadOnlyList<MlflowPoint>> GetMetricHistoryAsync(string runId, string key, CancellationToken cancellation);

    /// <summary>Copies a local file into the run's artifacts under <paramref name="artifactPath"/> (a relative path), replacing what was there.</summary>
    Task LogArtifactAsync(string runId, string localFile, string artifactPath, CancellationToken cancellation);

    /// <summary>Ends the run with its status at <paramref name="end"/>.</summary>
    Task EndRunAsync(string runId, MlflowRunStatus status, DateTimeOffset end, CancellationToken cancellation);

    /// <summary>The newest runs (at most <paramref name="limit"/>, newest first) of the experiment whose tag <paramref name="tagKey"/> is <paramref name="tagValue"/>.</summary>
    Task<IReadOnlyList<MlflowRunSummary>> SearchRunsAsync(string experimentId, string tagKey, string tagValue, int limit, CancellationToken cancellation);

    /// <summary>Registers <paramref name="source"/> as a new version of the registered model (created when absent) and returns the version.</summary>
    Task<string> RegisterModelVersionAsync(string model, string source, string runId, CancellationToken cancellation);

    /// <summary>The version the alias points at, or null when the alias is not set.</summary>
    Task<string?> GetAliasAsync(string model, string alias, CancellationToken cancellation);

    /// <summary>Points the alias at the version (moving it from the version that held it).</summary>
    Task SetAliasAsync(string model, string alias, string version, CancellationToken cancellation);
}

/// <summary>A run to start: where, under which name and parent, when, with which tags.</summary>
public sealed record MlflowNewRun(string ExperimentId, string Name, string? ParentRunId, DateTimeOffset Start, IReadOnlyDictionary<string, string> Tags);

/// <summary>One metric point as logged: its value, when it was measured, and its step (e.g. the training step).</summary>
public sealed record MlflowPoint(string Key, double Value, DateTimeOffset Timestamp, long Step = 0);

/// <summary>A run as a search finds it: its id, name, status, start and end, tags and latest metrics.</summary>
public sealed record MlflowRunSummary(string RunId, string Name, MlflowRunStatus Status, DateTimeOffset Start, DateTimeOffset? End,
    IReadOnlyDictionary<string, string> Tags, IReadOnlyDictionary<string, double> Metrics);

/// <summary>MLflow's run states, with its numeric codes.</summary>
public enum MlflowRunStatus
{
    Running = 1,
    Scheduled = 2,
    Finished = 3,
    Failed = 4,
    Killed = 5,
}
