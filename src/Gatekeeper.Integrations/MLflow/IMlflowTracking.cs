namespace Gatekeeper.Integrations.MLflow;

/// <summary>The part of MLflow's tracking API the gate uses: a local file store or a tracking server.</summary>
public interface IMlflowTracking
{
    /// <summary>Human-readable location for messages: a folder or a URL.</summary>
    string Location { get; }

    /// <summary>The experiment's id, creating it when absent (tolerating a concurrent creator).</summary>
    string GetOrCreateExperiment(string name);

    /// <summary>Starts a run; a child run names its parent.</summary>
    string CreateRun(string experimentId, string runName, IReadOnlyDictionary<string, string> tags, string? parentRunId = null);

    void LogParams(string runId, IReadOnlyDictionary<string, string> parameters);

    void LogMetrics(string runId, IReadOnlyList<MlflowMetric> metrics);

    void SetTags(string runId, IReadOnlyDictionary<string, string> tags);

    /// <summary>Copies a local file into the run's artifacts under <paramref name="artifactPath"/> (a relative path).</summary>
    void LogArtifact(string runId, string localFile, string artifactPath);

    void EndRun(string runId, MlflowRunStatus status);
}

/// <summary>One metric value; <see cref="Step"/> orders values of the same key (e.g. loss by training step).</summary>
public sealed record MlflowMetric(string Key, double Value, long Step = 0);

/// <summary>MLflow's run states, with its numeric codes.</summary>
public enum MlflowRunStatus
{
    Running = 1,
    Scheduled = 2,
    Finished = 3,
    Failed = 4,
    Killed = 5,
}
