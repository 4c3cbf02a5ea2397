namespace Gatekeeper.Integrations.MLflow.Spool;

/// <summary>
/// Applies spooled records to a store so that applying them again changes nothing: a run is found
/// by its key (the tag <see cref="RunKeyTag"/>) before one is created, a param is logged with the
/// value it has, a metric point the run already has is not logged twice, tags and artifacts are
/// replaced by themselves, and a run's end is written with its own time.
/// </summary>
public sealed class MlflowReplay(IMlflowStore store)
{
    /// <summary>The tag that carries a run's key, so a run can be found again by the records that made it.</summary>
    public const string RunKeyTag = "gatekeeper.run_key";

    private readonly Dictionary<string, string> _experiments = [];
    private readonly Dictionary<string, (string Id, bool Existed)> _runs = [];
    private readonly Dictionary<(string RunId, string Key), HashSet<(long Step, long Time, long Bits)>> _logged = [];

    /// <summary>Whether a failure means the records were not sent (the store, the disk or the spool failed), so they stay spooled; anything else is a fault.</summary>
    public static bool NotSent(Exception e) => e is InfrastructureException or IOException or HttpRequestException or InvalidOperationException or BadInputException;

    /// <summary>The store's id of the run with this key, once it is started or found.</summary>
    public string? RunId(string key) => _runs.TryGetValue(key, out var run) ? run.Id : null;

    /// <summary>Applies one record; <paramref name="spoolFolder"/> holds the files the records name.</summary>
    public async Task ApplyAsync(MlflowOperation operation, string spoolFolder, CancellationToken cancellation)
    {
        switch (operation)
        {
            case MlflowStartRun start:
                await StartAsync(start, cancellation);
                break;
            case MlflowLog log:
                var run = Run(log.Run);
                var metrics = run.Existed ? await NotLoggedAsync(run.Id, log.Metrics, cancellation) : log.Metrics;
                if (log.Params.Count + log.Tags.Count + metrics.Count > 0) await store.LogBatchAsync(run.Id, log.Params, log.Tags, metrics, cancellation);
                break;
            case MlflowArtifact artifact:
                await store.LogArtifactAsync(Run(artifact.Run).Id, Path.Combine(spoolFolder, artifact.File), artifact.Path, cancellation);
                break;
            case MlflowEndRun end:
                await store.EndRunAsync(Run(end.Run).Id, end.Status, end.End, cancellation);
                break;
            default:
                throw new InvalidOperationException($"No replay for {operation.GetType().Name}.");
        }
    }

    private async Task StartAsync(MlflowStartRun start, CancellationToken cancellation)
    {
        if (_runs.ContainsKey(start.Run)) return;
        if (!_experiments.TryGetValue(start.Experiment, out var experiment))
            _experiments[start.Experiment] = experiment = await store.GetOrCreateExperimentAsync(start.Experiment, cancellation);
        var found = await store.SearchRunsAsync(experiment, RunKeyTag, start.Run, 1, cancellation);
        if (found.Count > 0)
        {
            _runs[start.Run] = (found[0].RunId, true);
            return;
        }
        var tags = new Dictionary<string, string>(start.Tags) { [RunKeyTag] = start.Run };
        var parent = start.Parent is null ? null : Run(start.Parent).Id;
        _runs[start.Run] = (await store.CreateRunAsync(new MlflowNewRun(experiment, start.Name, parent, start.Start, tags), cancellation), false);
    }

    /// <summary>The points a run found in the store does not have yet (its history read once per key).</summary>
    private async Task<IReadOnlyList<MlflowPoint>> NotLoggedAsync(string runId, IReadOnlyList<MlflowPoint> metrics, CancellationToken cancellation)
    {
        var fresh = new List<MlflowPoint>();
        foreach (var point in metrics)
        {
            if (!_logged.TryGetValue((runId, point.Key), out var logged))
            {
                var history = await store.GetMetricHistoryAsync(runId, point.Key, cancellation);
                _logged[(runId, point.Key)] = logged = [.. history.Select(Identity)];
            }
            if (logged.Add(Identity(point))) fresh.Add(point);
        }
        return fresh;
    }

    /// <summary>A point as the store keeps it: step, millisecond and value (every NaN one value).</summary>
    private static (long, long, long) Identity(MlflowPoint point) =>
        (point.Step, point.Timestamp.ToUnixTimeMilliseconds(), BitConverter.DoubleToInt64Bits(double.IsNaN(point.Value) ? double.NaN : point.Value));

    private (string Id, bool Existed) Run(string key) => _runs.TryGetValue(key, out var run) ? run
        : throw new InvalidOperationException($"The spool names run '{key}' before the record that starts it.");
}
