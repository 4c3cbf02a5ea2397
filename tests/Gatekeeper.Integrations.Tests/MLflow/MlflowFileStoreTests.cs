using Gatekeeper.Integrations.MLflow;
using Microsoft.Extensions.Time.Testing;

namespace Gatekeeper.Integrations.Tests.MLflow;

public sealed class MlflowFileStoreTests : IDisposable
{
    private readonly string _root = Path.Combine(Path.GetTempPath(), "gk-mlruns-" + Guid.NewGuid().ToString("N"));
    private readonly FakeTimeProvider _time = new(DateTimeOffset.FromUnixTimeMilliseconds(1_700_000_000_000));

    public void Dispose()
    {
        if (Directory.Exists(_root)) Directory.Delete(_root, recursive: true);
    }

    private MlflowFileStore Store() => new(_root, _time, "ci");

    [Fact]
    public void GetOrCreateExperiment_CreatesOnceAndKeepsTheDefaultExperiment()
    {
        var store = Store();
        var id = store.GetOrCreateExperiment("gatekeeper/default");
        Assert.Equal(id, Store().GetOrCreateExperiment("gatekeeper/default"));
        Assert.NotEqual(id, store.GetOrCreateExperiment("gatekeeper/other"));
        Assert.Contains("name: 'Default'", File.ReadAllText(Path.Combine(_root, "0", "meta.yaml")));
        var meta = File.ReadAllText(Path.Combine(_root, id, "meta.yaml"));
        Assert.Contains($"experiment_id: '{id}'", meta);
        Assert.Contains("name: 'gatekeeper/default'", meta);
        Assert.Contains($"artifact_location: 'file://{Path.Combine(_root, id)}'", meta);
        Assert.Contains("creation_time: 1700000000000", meta);
    }

    [Fact]
    public void Run_WritesMetaParamsMetricsTagsAndArtifactsInMlflowsLayout()
    {
        var store = Store();
        var experiment = store.GetOrCreateExperiment("e");
        var parent = store.CreateRun(experiment, "gate e", new Dictionary<string, string> { ["pr"] = "42" });
        var child = store.CreateRun(experiment, "train", new Dictionary<string, string>(), parent);
        store.LogParams(parent, new Dictionary<string, string> { ["train.learning_rate"] = "0.001" });
        _time.Advance(TimeSpan.FromSeconds(2));
        store.LogMetrics(child, [new MlflowMetric("train/loss", 2.5, 10), new MlflowMetric("train/loss", 1.25, 20), new MlflowMetric("odd", double.NaN)]);
        var artifact = Path.Combine(_root, "report.md");
        File.WriteAllText(artifact, "# report");
        store.LogArtifact(parent, artifact, "report.md");
        store.EndRun(parent, MlflowRunStatus.Finished);

        string runFolder = store.RunFolder(experiment, parent), childFolder = store.RunFolder(experiment, child);
        Assert.Equal(32, parent.Length);
        var meta = File.ReadAllText(Path.Combine(runFolder, "meta.yaml"));
        Assert.Contains($"run_id: {parent}", meta);
        Assert.Contains($"run_uuid: {parent}", meta);
        Assert.Contains("status: 3", meta);
        Assert.Contains("start_time: 1700000000000", meta);
        Assert.Contains("end_time: 1700000002000", meta);
        Assert.Contains("source_type: 4", meta);
        Assert.Contains("lifecycle_stage: active", meta);
        Assert.Equal("0.001", File.ReadAllText(Path.Combine(runFolder, "params", "train.learning_rate")));
        Assert.Equal("42", File.ReadAllText(Path.Combine(runFolder, "tags", "pr")));
        Assert.Equal("gate e", File.ReadAllText(Path.Combine(runFolder, "tags", "mlflow.runName")));
        Assert.Equal(parent, File.ReadAllText(Path.Combine(childFolder, "tags", "mlflow.parentRunId")));
        Assert.Equal("1700000002000 2.5 10\n1700000002000 1.25 20\n", File.ReadAllText(Path.Combine(childFolder, "metrics", "train", "loss")));
        Assert.Equal("1700000002000 nan 0\n", File.ReadAllText(Path.Combine(childFolder, "metrics", "odd")));
        Assert.Equal("# report", File.ReadAllText(Path.Combine(runFolder, "artifacts", "report.md")));
        Assert.Contains("end_time: null", File.ReadAllText(Path.Combine(childFolder, "meta.yaml")));
        Assert.Empty(Directory.GetFiles(_root, "*.writing", SearchOption.AllDirectories));
    }

    [Fact]
    public void LogParams_ChangingAValue_IsRefusedAsMlflowDoes()
    {
        var store = Store();
        var run = store.CreateRun(store.GetOrCreateExperiment("e"), "r", new Dictionary<string, string>());
        store.LogParams(run, new Dictionary<string, string> { ["a"] = "1" });
        store.LogParams(run, new Dictionary<string, string> { ["a"] = "1" });
        Assert.Throws<InvalidOperationException>(() => store.LogParams(run, new Dictionary<string, string> { ["a"] = "2" }));
    }

    [Theory]
    [InlineData("train/loss", "train/loss")]
    [InlineData("../escape", "_/escape")]
    [InlineData("/abs:key", "abs_key")]
    [InlineData("weird?key*", "weird_key_")]
    public void Sanitize_KeepsKeysInsideTheRun(string key, string expected) => Assert.Equal(expected, MlflowKeys.Sanitize(key));
}
