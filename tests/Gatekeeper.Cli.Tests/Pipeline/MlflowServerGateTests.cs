using Gatekeeper.Integrations.MLflow;
using Gatekeeper.Integrations.MLflow.Rest;
using Gatekeeper.Integrations.Tests.MLflow;
using Gatekeeper.Pipeline;
using Gatekeeper.Specs;
using Gatekeeper.Torch.Evaluation;
using Gatekeeper.Torch.Training;

namespace Gatekeeper.Cli.Tests.Pipeline;

/// <summary>A gate recorded on a tracking server over REST, through an outage in its middle, then synced: the verdict never waits on the server, and nothing is lost or made twice.</summary>
public sealed class MlflowServerGateTests : IDisposable
{
    private readonly GateWorkspace _workspace = new();
    private readonly StandInMlflowServer _server;

    public MlflowServerGateTests() => _server = new StandInMlflowServer(Path.Combine(_workspace.Root, "server"));

    public void Dispose()
    {
        _server.Dispose();
        _workspace.Dispose();
    }

    /// <summary>Takes the server down as the candidate's evaluation starts.</summary>
    private sealed class OutageAtCandidate(StandInMlflowServer server) : IGateObserver
    {
        public List<string> Messages { get; } = [];

        public void Stage(string message)
        {
            Messages.Add(message);
            if (message.StartsWith("Evaluating the candidate", StringComparison.Ordinal)) server.Down = true;
        }

        public void Training(TrainingProgress progress) { }

        public void Evaluation(EvaluationProgress progress) { }
    }

    [Fact]
    public async Task AnOutageMidGate_KeepsTheVerdict_AndSyncCompletesTheRunsOnce()
    {
        var spec = GateSpecLoader.Load(_workspace.Spec("served", GateWorkspace.TrainTenSteps, GateWorkspace.LoosePolicy));
        var observer = new OutageAtCandidate(_server);
        var options = new GateRunOptions
        {
            OutputDirectory = _workspace.Path_("out"), CacheDirectory = _workspace.Path_("cache"), SpoolDirectory = _workspace.Path_("spool"), TrainingThreads = 1,
            Tracking = new MlflowTrackingUri { Kind = MlflowStoreKind.Rest, Location = _server.Url },
            MlflowRetries = new MlflowResilience.Options { MaxRetries = 1, FirstDelay = TimeSpan.FromMilliseconds(5) },
        };

        var run = GateRunner.Run(spec, options, observer);

        Assert.Equal(ExitCodes.GateFailed, run.ExitCode);   // the verdict, as without a server
        Assert.True(File.Exists(run.ReportPath));
        Assert.StartsWith("run ", run.Records);
        Assert.Contains(_server.Url, run.Records);
        var failure = Assert.Single(run.SinkFailures);
        Assert.Equal("mlflow", failure.Sink);
        Assert.Contains("'gatekeeper sync' sends them", failure.Message);
        var spooled = Assert.Single(Directory.GetDirectories(_workspace.Path_("spool")));
        var copy = _workspace.Path_("spool-copy");
        CopyFolder(spooled, Path.Combine(copy, Path.GetFileName(spooled)));

        _server.Down = false;
        var (exit, output) = await Cli.Run("sync", "--spool", _workspace.Path_("spool"));
        Assert.True(exit == ExitCodes.Pass, output);
        Assert.Contains("1 sent, 0 kept", output);
        await AssertTheGateIsRecordedOnce(run);

        (exit, output) = await Cli.Run("sync", "--spool", _workspace.Path_("spool"));
        Assert.Contains("Nothing to send", output);
        (exit, output) = await Cli.Run("sync", "--spool", copy);   // the same records a second time
        Assert.True(exit == ExitCodes.Pass, output);
        await AssertTheGateIsRecordedOnce(run);
    }

    private GateRunOptions Options(string output) => new()
    {
        OutputDirectory = _workspace.Path_(output), CacheDirectory = _workspace.Path_("cache"), SpoolDirectory = _workspace.Path_("spool"), TrainingThreads = 1,
        Tracking = new MlflowTrackingUri { Kind = MlflowStoreKind.Rest, Location = _server.Url },
        MlflowRetries = new MlflowResilience.Options { MaxRetries = 1, FirstDelay = TimeSpan.FromMilliseconds(5) },
    };

    /// <summary>A passing candidate becomes the next version and takes the alias, the report naming both; a failing one is never registered.</summary>
    [Fact]
    public void Promotion_OnPassOnly_MovesTheAlias_AndTheReportSaysFromWhich()
    {
        string Spec(string name, string targetGain) => _workspace.Spec(name, GateWorkspace.TrainTenSteps,
            GateWorkspace.LoosePolicy.Replace("min_gain: 0.5", $"min_gain: {targetGain}") + "\n  inconclusive: warn") + "";
        string WithPromotion(string path)
        {
            File.AppendAllText(path, "\npromote:\n  model: units-model\n  alias: champion\n");
            return path;
        }
        var passing = GateSpecLoader.Load(WithPromotion(Spec("promoted", "-1")));

        var first = GateRunner.Run(passing, Options("first"), new Silent());
        var second = GateRunner.Run(passing, Options("second"), new Silent());

        Assert.Equal(ExitCodes.Pass, first.ExitCode);
        Assert.Empty(first.SinkFailures);
        Assert.Equal(("1", null), (first.Report.Promotion!.Version, first.Report.Promotion.PreviousVersion));
        Assert.Equal(("2", "1"), (second.Report.Promotion!.Version, second.Report.Promotion.PreviousVersion));
        Assert.Contains("Registry: the candidate is units-model version 2, and alias 'champion' moved to it from version 1.", File.ReadAllText(second.ReportPath));
        var versions = _server.Versions("units-model");
        Assert.Equal(2, versions.Count);
        Assert.StartsWith("runs:/", versions[1].Source);
        Assert.EndsWith("/candidate", versions[1].Source);
        Assert.True(File.Exists(Path.Combine(_server.Store.RunFolder(versions[1].RunId), "artifacts", "candidate", "model.safetensors")), "the version's source holds no candidate");

        var failing = GateSpecLoader.Load(WithPromotion(Spec("refused", "0.5")));
        var refused = GateRunner.Run(failing, Options("third"), new Silent());
        Assert.Equal(ExitCodes.GateFailed, refused.ExitCode);
        Assert.Null(refused.Report.Promotion!.Version);
        Assert.Contains("units-model not promoted: the verdict is fail", File.ReadAllText(refused.ReportPath));
        Assert.Equal(2, _server.Versions("units-model").Count);
    }

    private async Task AssertTheGateIsRecordedOnce(GateRun run)
    {
        var store = _server.Store;
        var experiment = await store.GetOrCreateExperimentAsync("gatekeeper/served", default);
        var gates = await store.SearchRunsAsync(experiment, "gatekeeper.stage", "gate", 10, default);
        var gate = Assert.Single(gates);
        Assert.Equal($"run {gate.RunId} in {_server.Url}", run.Records);
        Assert.Equal(MlflowRunStatus.Finished, gate.Status);
        Assert.Equal("fail", gate.Tags["gatekeeper.verdict"]);
        Assert.Equal("10", File.ReadAllText(Path.Combine(store.RunFolder(gate.RunId), "params", "train.steps")));
        Assert.True(File.Exists(Path.Combine(store.RunFolder(gate.RunId), "artifacts", "report.md")));
        Assert.True(File.Exists(Path.Combine(store.RunFolder(gate.RunId), "artifacts", "gate-result.json")));
        Assert.Single(await store.GetMetricHistoryAsync(gate.RunId, "target/units/delta", default));

        var train = Assert.Single(await store.SearchRunsAsync(experiment, "gatekeeper.stage", "train", 10, default));
        Assert.Equal(2, (await store.SearchRunsAsync(experiment, "gatekeeper.stage", "evaluate", 10, default)).Count);
        Assert.Equal(gate.RunId, train.Tags["mlflow.parentRunId"]);
        Assert.Equal(MlflowRunStatus.Finished, train.Status);
        var loss = await store.GetMetricHistoryAsync(train.RunId, "train/loss", default);
        Assert.Equal(Enumerable.Range(1, 10).Select(s => (long)s), loss.Select(p => p.Step));
        Assert.All(loss, p => Assert.InRange(p.Timestamp, train.Start, train.End!.Value));
        var trainingSeconds = (await store.GetMetricHistoryAsync(train.RunId, "train/training_seconds", default)).Single().Value;
        Assert.InRange((train.End!.Value - train.Start).TotalSeconds, trainingSeconds - 0.01, trainingSeconds + 10);
        Assert.True(train.Start >= gate.Start && train.End <= gate.End);
    }

    private static void CopyFolder(string from, string to)
    {
        foreach (var file in Directory.GetFiles(from, "*", SearchOption.AllDirectories))
        {
            var target = Path.Combine(to, Path.GetRelativePath(from, file));
            Directory.CreateDirectory(Path.GetDirectoryName(target)!);
            File.Copy(file, target);
        }
    }
}
