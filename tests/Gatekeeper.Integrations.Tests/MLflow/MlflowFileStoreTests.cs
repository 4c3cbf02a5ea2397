using Gatekeeper.Integrations.MLflow;
using Microsoft.Extensions.Time.Testing;

namespace Gatekeeper.Integrations.Tests.MLflow;

public sealed class MlflowFileStoreTests : IDisposable
{
    private static readonly CancellationToken None = CancellationToken.None;
    private static readonly Dictionary<string, string> NoTags = [];
    private readonly string _root = Path.Combine(Path.GetTempPath(), "gk-mlruns-" + Guid.NewGuid().ToString("N"));
    private readonly FakeTimeProvider _time = new(DateTimeOffset.FromUnixTimeMilliseconds(1_700_000_000_000));

    public void Dispose()
    {
        if (Directory.Exists(_root)) Directory.Delete(_root, recursive: true);
    }

    private MlflowFileStore Store() => new(_root, _time, "ci");

    private static DateTimeOffset At(long millis) => DateTimeOffset.FromUnixTimeMilliseconds(millis);

    [Fact]
    public async Task GetOrCreateExperiment_CreatesOnceAndKeepsTheDefaultExperiment()
    {
        var store = Store();
        var id = await store.GetOrCreateExperimentAsync("gatekeeper/default", None);
        Assert.Equal(id, await Store().GetOrCreateExperimentAsync("gatekeeper/default", None));
        Assert.NotEqual(id, await store.GetOrCreateExperimentAsync("gatekeeper/other", None));
        Assert.Contains("name: 'Default'", File.ReadAllText(Path.Combine(_root, "0", "meta.yaml")));
        var meta = File.ReadAllText(Path.Combine(_root, id, "meta.yaml"));
        Assert.Contains($"experiment_id: '{id}'", meta);
        Assert.Contains("name: 'gatekeeper/default'", meta);
        Assert.Contains($"artifact_location: 'file://{Path.Combine(_root, id)}'", meta);
        Assert.Contains("creation_time: 1700000000000", meta);
    }

    [Fact]
    public async Task Run_WritesMetaParamsMetricsTagsAndArtifactsInMlflowsLayout_WithTheTimesGiven()
    {
        var store = Store();
        var experiment = await store.GetOrCreateExperimentAsync("e", None);
        var parent = await store.CreateRunAsync(new MlflowNewRun(experiment, "gate e", null, At(1_000), new Dictionary<string, string> { ["pr"] = "42" }), None);
        var child = await store.CreateRunAsync(new MlflowNewRun(experiment, "train", parent, At(2_000), NoTags), None);
        await store.LogBatchAsync(parent, new Dictionary<string, string> { ["train.learning_rate"] = "0.001" }, NoTags, [], None);
        await store.LogBatchAsync(child, new Dictionary<string, string>(), NoTags,
            [new MlflowPoint("train/loss", 2.5, At(3_000), 10), new MlflowPoint("train/loss", 1.25, At(4_000), 20), new MlflowPoint("odd", double.NaN, At(4_500))], None);
        var artifact = Path.Combine(_root, "report.md");
        File.WriteAllText(artifact, "# report");
        await store.LogArtifactAsync(parent, artifact, "report.md", None);
        await store.EndRunAsync(child, MlflowRunStatus.Finished, At(5_000), None);
        await store.EndRunAsync(parent, MlflowRunStatus.Finished, At(6_000), None);

        string runFolder = store.RunFolder(parent), childFolder = store.RunFolder(child);
        Assert.Equal(32, parent.Length);
        var meta = File.ReadAllText(Path.Combine(runFolder, "meta.yaml"));
        Assert.Contains($"run_id: {parent}", meta);
        Assert.Contains($"run_uuid: {parent}", meta);
        Assert.Contains("status: 3", meta);
        Assert.Contains("start_time: 1000", meta);
        Assert.Contains("end_time: 6000", meta);
        Assert.Contains("run_name: 'gate e'", meta);
        Assert.Contains("source_type: 4", meta);
        Assert.Contains("lifecycle_stage: active", meta);
        Assert.Equal("0.001", File.ReadAllText(Path.Combine(runFolder, "params", "train.learning_rate")));
        Assert.Equal("42", File.ReadAllText(Path.Combine(runFolder, "tags", "pr")));
        Assert.Equal("gate e", File.ReadAllText(Path.Combine(runFolder, "tags", "mlflow.runName")));
        Assert.Equal(parent, File.ReadAllText(Path.Combine(childFolder, "tags", "mlflow.parentRunId")));
        Assert.Equal("3000 2.5 10\n4000 1.25 20\n", File.ReadAllText(Path.Combine(childFolder, "metrics", "train", "loss")));
        Assert.Equal("4500 nan 0\n", File.ReadAllText(Path.Combine(childFolder, "metrics", "odd")));
        Assert.Equal("# report", File.ReadAllText(Path.Combine(runFolder, "artifacts", "report.md")));
        Assert.Contains("start_time: 2000", File.ReadAllText(Path.Combine(childFolder, "meta.yaml")));
        Assert.Contains("end_time: 5000", File.ReadAllText(Path.Combine(childFolder, "meta.yaml")));
        Assert.Empty(Directory.GetFiles(_root, "*.writing", SearchOption.AllDirectories));
    }

    /// <summary>What is written is read back, by a store that did not write it: runs by tag, their times, tags and latest metrics, and metric history.</summary>
    [Fact]
    public async Task WhatIsWritten_ReadsBackThroughTheReader()
    {
        var writer = Store();
        var experiment = await writer.GetOrCreateExperimentAsync("e", None);
        var older = await writer.CreateRunAsync(new MlflowNewRun(experiment, "gate 1", null, At(1_000), new Dictionary<string, string> { ["kind"] = "gate" }), None);
        var newer = await writer.CreateRunAsync(new MlflowNewRun(experiment, "gate 2", null, At(9_000), new Dictionary<string, string> { ["kind"] = "gate" }), None);
        await writer.CreateRunAsync(new MlflowNewRun(experiment, "child", newer, At(9_500), new Dictionary<string, string> { ["kind"] = "stage" }), None);
        await writer.LogBatchAsync(newer, NoTags, new Dictionary<string, string> { ["general/facts"] = "fail" },
            [new MlflowPoint("general/facts/delta", -0.25, At(9_100), 0), new MlflowPoint("train/loss", 3, At(9_200), 1), new MlflowPoint("train/loss", double.PositiveInfinity, At(9_300), 2)], None);
        await writer.EndRunAsync(newer, MlflowRunStatus.Failed, At(9_900), None);

        var reader = new MlflowFileStore(_root);
        var runs = await reader.SearchRunsAsync(experiment, "kind", "gate", 10, None);
        Assert.Equal([newer, older], runs.Select(r => r.RunId));
        var run = runs[0];
        Assert.Equal(("gate 2", MlflowRunStatus.Failed, At(9_000), At(9_900)), (run.Name, run.Status, run.Start, run.End));
        Assert.Equal("fail", run.Tags["general/facts"]);
        Assert.Equal(-0.25, run.Metrics["general/facts/delta"]);
        Assert.Equal(double.PositiveInfinity, run.Metrics["train/loss"]);   // the latest step
        Assert.Null(runs[1].End);
        Assert.Single(await reader.SearchRunsAsync(experiment, "kind", "gate", 1, None));
        var history = await reader.GetMetricHistoryAsync(newer, "train/loss", None);
        Assert.Equal([(1L, 3.0, At(9_200)), (2L, double.PositiveInfinity, At(9_300))], history.Select(p => (p.Step, p.Value, p.Timestamp)));
        Assert.Empty(await reader.GetMetricHistoryAsync(newer, "absent", None));
    }

    [Fact]
    public async Task LogParams_ChangingAValue_IsRefusedAsMlflowDoes()
    {
        var store = Store();
        var run = await store.CreateRunAsync(new MlflowNewRun(await store.GetOrCreateExperimentAsync("e", None), "r", null, At(0), NoTags), None);
        await store.LogBatchAsync(run, new Dictionary<string, string> { ["a"] = "1" }, NoTags, [], None);
        await store.LogBatchAsync(run, new Dictionary<string, string> { ["a"] = "1" }, NoTags, [], None);
        await Assert.ThrowsAsync<InvalidOperationException>(() => store.LogBatchAsync(run, new Dictionary<string, string> { ["a"] = "2" }, NoTags, [], None));
    }

    [Fact]
    public async Task Registry_IsAServersAndSaysSo()
    {
        var error = await Assert.ThrowsAsync<InfrastructureException>(() => Store().RegisterModelVersionAsync("m", "runs:/r/candidate", "r", None));
        Assert.Contains("promotion needs a tracking server", error.Message);
    }

    [Theory]
    [InlineData("train/loss", "train/loss")]
    [InlineData("../escape", "_/escape")]
    [InlineData("/abs:key", "abs_key")]
    [InlineData("weird?key*", "weird_key_")]
    public void Sanitize_KeepsKeysInsideTheRun(string key, string expected) => Assert.Equal(expected, MlflowKeys.Sanitize(key));
}
