using System.Globalization;
using System.Text;

namespace Gatekeeper.Integrations.MLflow;

/// <summary>
/// Writes MLflow's file-store layout (<c>mlruns/</c>) that <c>mlflow ui</c> and <c>mlflow server</c>
/// read: experiments and runs as <c>meta.yaml</c>, one file per param and tag, one line per metric
/// value, artifacts under the run. Every file is written beside and renamed into place, so a crash
/// never leaves a half-written <c>meta.yaml</c> (which would hide the whole run).
/// </summary>
public sealed class MlflowFileStore : IMlflowTracking
{
    private readonly string _root;
    private readonly TimeProvider _time;
    private readonly string _user;

    public MlflowFileStore(string root, TimeProvider? time = null, string? user = null)
    {
        _root = Path.GetFullPath(root);
        _time = time ?? TimeProvider.System;
        _user = user ?? Environment.UserName;
    }

    public string Location => _root;

    public string GetOrCreateExperiment(string name)
    {
        Directory.CreateDirectory(_root);
        EnsureDefaultExperiment();
        foreach (var folder in Directory.GetDirectories(_root))
        {
            var meta = Path.Combine(folder, "meta.yaml");
            if (File.Exists(meta) && ReadYamlValue(meta, "name") == name) return Path.GetFileName(folder);
        }
        long next = Directory.GetDirectories(_root).Select(Path.GetFileName).Select(n => long.TryParse(n, out var id) ? id : 0).DefaultIfEmpty(0).Max() + 1;
        string experimentId = next.ToString(CultureInfo.InvariantCulture);
        WriteExperiment(experimentId, name);
        return experimentId;
    }

    public string CreateRun(string experimentId, string runName, IReadOnlyDictionary<string, string> tags, string? parentRunId = null)
    {
        string runId = Guid.NewGuid().ToString("N");
        string folder = RunFolder(experimentId, runId);
        foreach (var sub in new[] { "metrics", "params", "tags", "artifacts" }) Directory.CreateDirectory(Path.Combine(folder, sub));
        _runs[runId] = (experimentId, Now(), runName);
        WriteRunMeta(runId, MlflowRunStatus.Running, endTime: null);
        var allTags = new Dictionary<string, string>(tags)
        {
            ["mlflow.runName"] = runName,
            ["mlflow.user"] = _user,
            ["mlflow.source.type"] = "LOCAL",
            ["mlflow.source.name"] = "gatekeeper",
        };
        if (parentRunId is not null) allTags["mlflow.parentRunId"] = parentRunId;
        SetTags(runId, allTags);
        return runId;
    }

    public void LogParams(string runId, IReadOnlyDictionary<string, string> parameters)
    {
        foreach (var (key, value) in parameters)
        {
            var path = KeyPath(runId, "params", key);
            var cut = MlflowKeys.Cut(value, MlflowKeys.MaxParamLength);
            // MLflow refuses to change a logged param; keep the first value, as a server would.
            if (File.Exists(path) && File.ReadAllText(path) != cut)
                throw new InvalidOperationException($"MLflow param '{key}' of run {runId} already has another value; params cannot change.");
            AtomicFile.WriteAllText(path, cut);
        }
    }

    public void LogMetrics(string runId, IReadOnlyList<MlflowMetric> metrics)
    {
        long timestamp = Now();
        foreach (var group in metrics.GroupBy(m => m.Key))
        {
            var path = KeyPath(runId, "metrics", group.Key);
            var lines = string.Concat(group.Select(m => string.Create(CultureInfo.InvariantCulture, $"{timestamp} {FormatValue(m.Value)} {m.Step}\n")));
            File.AppendAllText(path, lines);
        }
    }

    public void SetTags(string runId, IReadOnlyDictionary<string, string> tags)
    {
        foreach (var (key, value) in tags) AtomicFile.WriteAllText(KeyPath(runId, "tags", key), MlflowKeys.Cut(value, MlflowKeys.MaxTagLength));
    }

    public void LogArtifact(string runId, string localFile, string artifactPath)
    {
        var (experimentId, _, _) = Run(runId);
        var target = Path.GetFullPath(Path.Combine(RunFolder(experimentId, runId), "artifacts", MlflowKeys.Sanitize(artifactPath)));
        Directory.CreateDirectory(Path.GetDirectoryName(target)!);
        AtomicFile.Copy(localFile, target);
    }

    public void EndRun(string runId, MlflowRunStatus status) => WriteRunMeta(runId, status, Now());

    /// <summary>The folder of a run, for tests and for messages.</summary>
    public string RunFolder(string experimentId, string runId) => Path.Combine(_root, experimentId, runId);

    private readonly Dictionary<string, (string ExperimentId, long StartTime, string Name)> _runs = [];

    private (string ExperimentId, long StartTime, string Name) Run(string runId) =>
        _runs.TryGetValue(runId, out var run) ? run : throw new InvalidOperationException($"Run {runId} was not created by this store.");

    private void WriteRunMeta(string runId, MlflowRunStatus status, long? endTime)
    {
        var (experimentId, startTime, name) = Run(runId);
        string folder = RunFolder(experimentId, runId);
        var yaml = new StringBuilder()
            .Append("artifact_uri: ").Append(Quote(new Uri(Path.Combine(folder, "artifacts")).AbsoluteUri)).Append('\n')
            .Append("end_time: ").Append(endTime?.ToString(CultureInfo.InvariantCulture) ?? "null").Append('\n')
            .Append("entry_point_name: ''\n")
            .Append("experiment_id: ").Append(Quote(experimentId)).Append('\n')
            .Append("lifecycle_stage: active\n")
            .Append("run_id: ").Append(runId).Append('\n')
            .Append("run_name: ").Append(Quote(name)).Append('\n')
            .Append("run_uuid: ").Append(runId).Append('\n')
            .Append("source_name: ''\n")
            .Append("source_type: 4\n")
            .Append("source_version: ''\n")
            .Append("start_time: ").Append(startTime.ToString(CultureInfo.InvariantCulture)).Append('\n')
            .Append("status: ").Append(((int)status).ToString(CultureInfo.InvariantCulture)).Append('\n')
            .Append("tags: []\n")
            .Append("user_id: ").Append(Quote(_user)).Append('\n');
        AtomicFile.WriteAllText(Path.Combine(folder, "meta.yaml"), yaml.ToString());
    }

    private void EnsureDefaultExperiment()
    {
        if (!File.Exists(Path.Combine(_root, "0", "meta.yaml"))) WriteExperiment("0", "Default");
    }

    private void WriteExperiment(string experimentId, string name)
    {
        string folder = Path.Combine(_root, experimentId);
        Directory.CreateDirectory(folder);
        long now = Now();
        var yaml = new StringBuilder()
            .Append("artifact_location: ").Append(Quote(new Uri(folder).AbsoluteUri)).Append('\n')
            .Append("creation_time: ").Append(now.ToString(CultureInfo.InvariantCulture)).Append('\n')
            .Append("experiment_id: ").Append(Quote(experimentId)).Append('\n')
            .Append("last_update_time: ").Append(now.ToString(CultureInfo.InvariantCulture)).Append('\n')
            .Append("lifecycle_stage: active\n")
            .Append("name: ").Append(Quote(name)).Append('\n');
        AtomicFile.WriteAllText(Path.Combine(folder, "meta.yaml"), yaml.ToString());
    }

    private string KeyPath(string runId, string kind, string key)
    {
        var (experimentId, _, _) = Run(runId);
        // A '/' in a key makes subfolders, as MLflow's own file store does (metrics/train/loss).
        var path = Path.Combine(RunFolder(experimentId, runId), kind, MlflowKeys.Sanitize(key));
        Directory.CreateDirectory(Path.GetDirectoryName(path)!);
        return path;
    }

    private long Now() => _time.GetUtcNow().ToUnixTimeMilliseconds();

    /// <summary>Python's float() reads these: round-trip digits, "nan", "inf", "-inf".</summary>
    public static string FormatValue(double value) => value switch
    {
        double.NaN => "nan",
        double.PositiveInfinity => "inf",
        double.NegativeInfinity => "-inf",
        _ => value.ToString("R", CultureInfo.InvariantCulture),
    };

    /// <summary>A single-quoted YAML scalar: quotes doubled, nothing else special.</summary>
    private static string Quote(string value) => "'" + value.Replace("'", "''", StringComparison.Ordinal) + "'";

    private static string? ReadYamlValue(string path, string key)
    {
        foreach (var line in File.ReadLines(path))
        {
            if (!line.StartsWith(key + ":", StringComparison.Ordinal)) continue;
            var value = line[(key.Length + 1)..].Trim();
            if (value.Length >= 2 && value[0] == '\'' && value[^1] == '\'') return value[1..^1].Replace("''", "'", StringComparison.Ordinal);
            if (value.Length >= 2 && value[0] == '"' && value[^1] == '"') return value[1..^1];
            return value;
        }
        return null;
    }
}
