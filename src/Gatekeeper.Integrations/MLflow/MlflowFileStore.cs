using System.Globalization;
using System.Text;

namespace Gatekeeper.Integrations.MLflow;

/// <summary>
/// MLflow's file-store layout (<c>mlruns/</c>) that <c>mlflow ui</c> and <c>mlflow server</c> read,
/// written and read back: experiments and runs as <c>meta.yaml</c>, one file per param and tag, one
/// line per metric point, artifacts under the run. Every file is written beside and renamed into
/// place, so a crash never leaves a half-written <c>meta.yaml</c> (which would hide the whole run).
/// The registry is a server's: promotion needs a tracking server.
/// </summary>
public sealed class MlflowFileStore : IMlflowStore
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

    public Task<string?> FindExperimentAsync(string name, CancellationToken cancellation) => Task.FromResult(Experiment(name));

    private string? Experiment(string name) => !Directory.Exists(_root) ? null
        : Directory.GetDirectories(_root).FirstOrDefault(f => File.Exists(Path.Combine(f, "meta.yaml")) && ReadMeta(Path.Combine(f, "meta.yaml")).GetValueOrDefault("name") == name) is { } folder
            ? Path.GetFileName(folder) : null;

    public Task<string> GetOrCreateExperimentAsync(string name, CancellationToken cancellation)
    {
        Directory.CreateDirectory(_root);
        if (!File.Exists(Path.Combine(_root, "0", "meta.yaml"))) WriteExperiment("0", "Default");
        if (Experiment(name) is { } found) return Task.FromResult(found);
        long next = Directory.GetDirectories(_root).Select(Path.GetFileName).Select(n => long.TryParse(n, out var id) ? id : 0).DefaultIfEmpty(0).Max() + 1;
        string experimentId = next.ToString(CultureInfo.InvariantCulture);
        WriteExperiment(experimentId, name);
        return Task.FromResult(experimentId);
    }

    public Task<string> CreateRunAsync(MlflowNewRun run, CancellationToken cancellation)
    {
        string runId = Guid.NewGuid().ToString("N");
        string folder = Path.Combine(_root, run.ExperimentId, runId);
        foreach (var sub in new[] { "metrics", "params", "tags", "artifacts" }) Directory.CreateDirectory(Path.Combine(folder, sub));
        _runs[runId] = run.ExperimentId;
        WriteRunMeta(folder, run.ExperimentId, runId, run.Name, Millis(run.Start), MlflowRunStatus.Running, endTime: null);
        var tags = new Dictionary<string, string>(run.Tags)
        {
            ["mlflow.runName"] = run.Name,
            ["mlflow.user"] = _user,
        };
        tags.TryAdd("mlflow.source.type", "LOCAL");
        tags.TryAdd("mlflow.source.name", "gatekeeper");
        if (run.ParentRunId is not null) tags["mlflow.parentRunId"] = run.ParentRunId;
        WriteTags(runId, tags);
        return Task.FromResult(runId);
    }

    public Task LogBatchAsync(string runId, IReadOnlyDictionary<string, string> parameters, IReadOnlyDictionary<string, string> tags,
        IReadOnlyList<MlflowPoint> metrics, CancellationToken cancellation)
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
        WriteTags(runId, tags);
        foreach (var group in metrics.GroupBy(m => m.Key))
        {
            var lines = string.Concat(group.Select(m => string.Create(CultureInfo.InvariantCulture, $"{Millis(m.Timestamp)} {FormatValue(m.Value)} {m.Step}\n")));
            File.AppendAllText(KeyPath(runId, "metrics", group.Key), lines);
        }
        return Task.CompletedTask;
    }

    public Task<IReadOnlyList<MlflowPoint>> GetMetricHistoryAsync(string runId, string key, CancellationToken cancellation)
    {
        var path = KeyPath(runId, "metrics", key);
        IReadOnlyList<MlflowPoint> points = File.Exists(path) ? [.. ReadPoints(key, path)] : [];
        return Task.FromResult(points);
    }

    public Task LogArtifactAsync(string runId, string localFile, string artifactPath, CancellationToken cancellation)
    {
        var target = Path.GetFullPath(Path.Combine(RunFolder(runId), "artifacts", MlflowKeys.Sanitize(artifactPath)));
        Directory.CreateDirectory(Path.GetDirectoryName(target)!);
        AtomicFile.Copy(localFile, target);
        return Task.CompletedTask;
    }

    public Task EndRunAsync(string runId, MlflowRunStatus status, DateTimeOffset end, CancellationToken cancellation)
    {
        var folder = RunFolder(runId);
        var meta = Path.Combine(folder, "meta.yaml");
        var fields = ReadMeta(meta);
        long start = long.Parse(fields.GetValueOrDefault("start_time") ?? "0", CultureInfo.InvariantCulture);
        WriteRunMeta(folder, fields["experiment_id"], runId, fields.GetValueOrDefault("run_name") ?? "", start, status, Millis(end));
        return Task.CompletedTask;
    }

    public Task<IReadOnlyList<MlflowRunSummary>> SearchRunsAsync(string experimentId, string tagKey, string tagValue, int limit, CancellationToken cancellation)
    {
        var folder = Path.Combine(_root, experimentId);
        var runs = new List<MlflowRunSummary>();
        if (Directory.Exists(folder))
        {
            foreach (var run in Directory.GetDirectories(folder))
            {
                var tag = Path.Combine(run, "tags", MlflowKeys.Sanitize(tagKey));
                if (!File.Exists(Path.Combine(run, "meta.yaml")) || !File.Exists(tag) || File.ReadAllText(tag) != tagValue) continue;
                runs.Add(ReadRun(run));
            }
        }
        IReadOnlyList<MlflowRunSummary> newest = [.. runs.OrderByDescending(r => r.Start).Take(limit)];
        return Task.FromResult(newest);
    }

    public Task<string> RegisterModelVersionAsync(string model, string source, string runId, CancellationToken cancellation) => throw NoRegistry();

    public Task<string?> GetAliasAsync(string model, string alias, CancellationToken cancellation) => throw NoRegistry();

    public Task SetAliasAsync(string model, string alias, string version, CancellationToken cancellation) => throw NoRegistry();

    private InfrastructureException NoRegistry() => new(
        $"the file store {_root} keeps no model registry that Gatekeeper writes; promotion needs a tracking server (MLFLOW_TRACKING_URI=http://...).");

    /// <summary>The folder of a run, for tests and for messages.</summary>
    public string RunFolder(string runId)
    {
        if (!_runs.TryGetValue(runId, out var experimentId))
        {
            experimentId = Directory.Exists(_root)
                ? Directory.GetDirectories(_root).Select(Path.GetFileName).FirstOrDefault(e => Directory.Exists(Path.Combine(_root, e!, runId)))
                  ?? throw new InvalidOperationException($"Run {runId} is not in the file store {_root}.")
                : throw new InvalidOperationException($"The file store {_root} does not exist.");
            _runs[runId] = experimentId;
        }
        return Path.Combine(_root, experimentId, runId);
    }

    private readonly Dictionary<string, string> _runs = [];

    private MlflowRunSummary ReadRun(string folder)
    {
        var meta = Path.Combine(folder, "meta.yaml");
        var fields = ReadMeta(meta);
        long Time(string key) => long.TryParse(fields.GetValueOrDefault(key), CultureInfo.InvariantCulture, out var t) ? t : 0;
        var status = int.TryParse(fields.GetValueOrDefault("status"), CultureInfo.InvariantCulture, out var s) ? (MlflowRunStatus)s : MlflowRunStatus.Running;
        var end = fields.GetValueOrDefault("end_time") is { } e && e != "null" ? DateTimeOffset.FromUnixTimeMilliseconds(Time("end_time")) : (DateTimeOffset?)null;
        return new MlflowRunSummary(Path.GetFileName(folder), fields.GetValueOrDefault("run_name") ?? "", status, DateTimeOffset.FromUnixTimeMilliseconds(Time("start_time")), end,
            Files(Path.Combine(folder, "tags")).ToDictionary(f => f.Key, f => File.ReadAllText(f.Path)),
            Files(Path.Combine(folder, "metrics")).ToDictionary(f => f.Key,
                f => ReadPoints(f.Key, f.Path).OrderBy(p => p.Step).ThenBy(p => p.Timestamp).LastOrDefault()?.Value ?? double.NaN));
    }

    /// <summary>Every file under a run's tags/ or metrics/ with its key ('/' for subfolders).</summary>
    private static IEnumerable<(string Key, string Path)> Files(string folder) => !Directory.Exists(folder) ? []
        : Directory.EnumerateFiles(folder, "*", SearchOption.AllDirectories)
            .Where(f => !f.EndsWith(".writing", StringComparison.Ordinal))
            .Select(f => (Path.GetRelativePath(folder, f).Replace(Path.DirectorySeparatorChar, '/'), f));

    private static IEnumerable<MlflowPoint> ReadPoints(string key, string path)
    {
        foreach (var line in File.ReadLines(path))
        {
            var parts = line.Split(' ');
            if (parts.Length < 2 || !long.TryParse(parts[0], CultureInfo.InvariantCulture, out var time)) continue;
            yield return new MlflowPoint(key, ParseValue(parts[1]), DateTimeOffset.FromUnixTimeMilliseconds(time),
                parts.Length > 2 && long.TryParse(parts[2], CultureInfo.InvariantCulture, out var step) ? step : 0);
        }
    }

    private void WriteTags(string runId, IReadOnlyDictionary<string, string> tags)
    {
        foreach (var (key, value) in tags) AtomicFile.WriteAllText(KeyPath(runId, "tags", key), MlflowKeys.Cut(value, MlflowKeys.MaxTagLength));
    }

    private void WriteRunMeta(string folder, string experimentId, string runId, string name, long startTime, MlflowRunStatus status, long? endTime)
    {
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

    private void WriteExperiment(string experimentId, string name)
    {
        string folder = Path.Combine(_root, experimentId);
        Directory.CreateDirectory(folder);
        long now = Millis(_time.GetUtcNow());
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
        // A '/' in a key makes subfolders, as MLflow's own file store does (metrics/train/loss).
        var path = Path.Combine(RunFolder(runId), kind, MlflowKeys.Sanitize(key));
        Directory.CreateDirectory(Path.GetDirectoryName(path)!);
        return path;
    }

    private static long Millis(DateTimeOffset time) => time.ToUnixTimeMilliseconds();

    /// <summary>Python's float() reads these: round-trip digits, "nan", "inf", "-inf".</summary>
    public static string FormatValue(double value) => value switch
    {
        double.NaN => "nan",
        double.PositiveInfinity => "inf",
        double.NegativeInfinity => "-inf",
        _ => value.ToString("R", CultureInfo.InvariantCulture),
    };

    private static double ParseValue(string text) => text.ToLowerInvariant() switch
    {
        "nan" => double.NaN,
        "inf" or "infinity" => double.PositiveInfinity,
        "-inf" or "-infinity" => double.NegativeInfinity,
        _ => double.TryParse(text, NumberStyles.Float, CultureInfo.InvariantCulture, out var v) ? v : double.NaN,
    };

    /// <summary>A single-quoted YAML scalar: quotes doubled, nothing else special.</summary>
    private static string Quote(string value) => "'" + value.Replace("'", "''", StringComparison.Ordinal) + "'";

    /// <summary>A meta.yaml's top-level fields, read once: quoted scalars unquoted (single quotes doubled inside), the rest as written.</summary>
    private static Dictionary<string, string> ReadMeta(string path)
    {
        var fields = new Dictionary<string, string>();
        foreach (var line in File.ReadLines(path))
        {
            int colon = line.IndexOf(':');
            if (colon <= 0 || line[0] == ' ') continue;
            var value = line[(colon + 1)..].Trim();
            if (value.Length >= 2 && value[0] == '\'' && value[^1] == '\'') value = value[1..^1].Replace("''", "'", StringComparison.Ordinal);
            else if (value.Length >= 2 && value[0] == '"' && value[^1] == '"') value = value[1..^1];
            fields.TryAdd(line[..colon], value);
        }
        return fields;
    }
}
