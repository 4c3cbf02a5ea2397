using Gatekeeper.Integrations.MLflow;
using Gatekeeper.Integrations.MLflow.Rest;
using Gatekeeper.Integrations.MLflow.Spool;

namespace Gatekeeper.Integrations.Tests.MLflow;

/// <summary>Records go through the spool: sent as they come, kept whole through an outage, and sent again by sync with nothing made twice.</summary>
public sealed class MlflowSpoolTests : IDisposable
{
    private static readonly Dictionary<string, string> NoTags = [];
    private readonly string _root = Path.Combine(Path.GetTempPath(), "gk-spool-" + Guid.NewGuid().ToString("N"));
    private readonly StandInMlflowServer _server;

    public MlflowSpoolTests() => _server = new StandInMlflowServer(Path.Combine(_root, "server"));

    public void Dispose()
    {
        _server.Dispose();
        if (Directory.Exists(_root)) Directory.Delete(_root, recursive: true);
    }

    private string Spools => Path.Combine(_root, "spool");

    /// <summary>The stand-in server over REST, retrying quickly: an outage is found out in milliseconds.</summary>
    private IMlflowStore Rest() => MlflowStores.Open(new MlflowTrackingUri { Kind = MlflowStoreKind.Rest, Location = _server.Url }, TimeProvider.System,
        new MlflowResilience.Options { MaxRetries = 1, FirstDelay = TimeSpan.FromMilliseconds(5), AttemptTimeout = TimeSpan.FromSeconds(20) });

    private static DateTimeOffset At(long seconds) => DateTimeOffset.FromUnixTimeSeconds(1_800_000_000 + seconds);

    private static IEnumerable<MlflowOperation> Gate(string key)
    {
        yield return new MlflowStartRun($"{key}/gate", "gatekeeper/spooled", "gate spooled", null, At(0), new Dictionary<string, string> { ["gatekeeper.stage"] = "gate" });
        yield return new MlflowLog($"{key}/gate", new Dictionary<string, string> { ["train.steps"] = "10" }, NoTags, []);
        yield return new MlflowStartRun($"{key}/train", "gatekeeper/spooled", "train candidate", $"{key}/gate", At(1), NoTags);
        for (int step = 1; step <= 5; step++)
            yield return MlflowLog.OfMetrics($"{key}/train", [new MlflowPoint("train/loss", 3.0 / step, At(1 + step), step)]);
        yield return new MlflowEndRun($"{key}/train", MlflowRunStatus.Finished, At(7));
        yield return MlflowLog.OfTags($"{key}/gate", new Dictionary<string, string> { ["gatekeeper.verdict"] = "fail" });
        yield return MlflowLog.OfMetrics($"{key}/gate", [new MlflowPoint("general/facts/delta", -0.25, At(8)), new MlflowPoint("odd", double.NaN, At(8))]);
        yield return new MlflowEndRun($"{key}/gate", MlflowRunStatus.Finished, At(9));
    }

    /// <summary>The runs the server holds for the spooled gate, by name.</summary>
    private async Task<Dictionary<string, MlflowRunSummary>> Runs()
    {
        var experiment = await _server.Store.GetOrCreateExperimentAsync("gatekeeper/spooled", default);
        var folder = Path.Combine(_server.Folder, experiment);
        var runs = new Dictionary<string, MlflowRunSummary>();
        foreach (var run in Directory.GetDirectories(folder))
        {
            var found = await _server.Store.SearchRunsAsync(experiment, "mlflow.runName", File.ReadAllText(Path.Combine(run, "tags", "mlflow.runName")), 10, default);
            foreach (var f in found) Assert.True(runs.TryAdd(f.Name, f), $"two runs named {f.Name}");
        }
        return runs;
    }

    private async Task AssertTheGateIsThereOnce()
    {
        var runs = await Runs();
        Assert.Equal(["gate spooled", "train candidate"], runs.Keys.Order());
        var (gate, train) = (runs["gate spooled"], runs["train candidate"]);
        Assert.Equal((MlflowRunStatus.Finished, At(0), At(9)), (gate.Status, gate.Start, gate.End));
        Assert.Equal((At(1), At(7)), (train.Start, train.End!.Value));   // the times the records carry, whenever they were sent
        Assert.Equal(gate.RunId, train.Tags["mlflow.parentRunId"]);
        Assert.Equal("fail", gate.Tags["gatekeeper.verdict"]);
        var loss = await _server.Store.GetMetricHistoryAsync(train.RunId, "train/loss", default);
        Assert.Equal([1L, 2, 3, 4, 5], loss.Select(p => p.Step));
        Assert.Equal(At(6), loss[^1].Timestamp);
        Assert.Single(await _server.Store.GetMetricHistoryAsync(gate.RunId, "general/facts/delta", default));
        Assert.True(double.IsNaN((await _server.Store.GetMetricHistoryAsync(gate.RunId, "odd", default)).Single().Value));
        Assert.Equal("10", File.ReadAllText(Path.Combine(_server.Store.RunFolder(gate.RunId), "params", "train.steps")));
    }

    [Fact]
    public async Task AllSent_TheSpoolIsRemoved()
    {
        using var publisher = new MlflowPublisher(Rest(), Spools);
        foreach (var operation in Gate("g1")) publisher.Post(operation);

        var publication = await publisher.CompleteAsync(TimeSpan.FromSeconds(30));

        Assert.True(publication.Complete, publication.Failure);
        Assert.Empty(MlflowSpool.Folders(Spools));
        await AssertTheGateIsThereOnce();
    }

    [Fact]
    public async Task AnOutageMidway_KeepsEveryRecord_AndSyncingTwiceMakesNothingTwice()
    {
        var operations = Gate("g2").ToList();
        using var publisher = new MlflowPublisher(Rest(), Spools);
        foreach (var operation in operations.Take(5)) publisher.Post(operation);
        Assert.True(await publisher.FlushAsync(TimeSpan.FromSeconds(30)), publisher.Failure);
        _server.Down = true;
        foreach (var operation in operations.Skip(5)) publisher.Post(operation);

        var publication = await publisher.CompleteAsync(TimeSpan.FromSeconds(30));

        Assert.False(publication.Complete);
        Assert.Contains("503", publication.Failure);
        var kept = Assert.Single(MlflowSpool.Folders(Spools));
        Assert.Equal(kept, publication.SpoolFolder);
        var copy = CopyOf(kept);   // to send the same records a second time

        _server.Down = false;
        var first = await MlflowSync.SendAllAsync(Spools, _ => Rest(), default);
        Assert.Equal(operations.Count, Assert.Single(first).Sent);
        Assert.Empty(MlflowSpool.Folders(Spools));
        await AssertTheGateIsThereOnce();

        var second = await MlflowSync.SendAllAsync(copy, _ => Rest(), default);
        Assert.Equal(operations.Count, Assert.Single(second).Sent);
        await AssertTheGateIsThereOnce();
    }

    [Fact]
    public async Task TheNextPublisher_SendsAnEarlierGatesSpoolFirst()
    {
        _server.Down = true;
        using (var offline = new MlflowPublisher(Rest(), Spools))
        {
            foreach (var operation in Gate("g3")) offline.Post(operation);
            Assert.False((await offline.CompleteAsync(TimeSpan.FromSeconds(30))).Complete);
        }
        _server.Down = false;
        var notices = new List<string>();
        using var next = new MlflowPublisher(Rest(), Spools, notices.Add);
        var publication = await next.CompleteAsync(TimeSpan.FromSeconds(30));

        Assert.True(publication.Complete, publication.Failure);
        Assert.Contains(notices, n => n.Contains("sent the 12 records an earlier gate had kept", StringComparison.Ordinal));
        Assert.Empty(MlflowSpool.Folders(Spools));
        await AssertTheGateIsThereOnce();
    }

    [Fact]
    public async Task ASpoolInUse_IsPassedOver()
    {
        _server.Down = true;
        using var running = new MlflowPublisher(Rest(), Spools);
        running.Post(Gate("g4").First());
        await running.FlushAsync(TimeSpan.FromSeconds(30));

        var outcomes = await MlflowSync.SendAllAsync(Spools, _ => Rest(), default);

        Assert.True(Assert.Single(outcomes).InUse);
        Assert.Single(MlflowSpool.Folders(Spools));
    }

    [Fact]
    public void AJournalCutShortByACrash_LosesOnlyItsLastLine_AndAnyOtherBadLineIsNamed()
    {
        string folder;
        using (var spool = MlflowSpool.Create(Spools, "http://mlflow"))
        {
            foreach (var operation in Gate("g5").Take(3)) spool.Append(operation);
            folder = spool.Folder;
        }
        var journal = Path.Combine(folder, MlflowSpool.JournalFile);
        File.AppendAllText(journal, """{"op":"log","Run":"g5/gate","Par""");
        using (var torn = MlflowSpool.TryOpen(folder)!) Assert.Equal(3, torn.Read().Count);

        File.WriteAllText(journal, "not json\n" + File.ReadAllText(journal));
        using var broken = MlflowSpool.TryOpen(folder)!;
        var error = Assert.Throws<BadInputException>(() => broken.Read());
        Assert.Contains(":1", error.Problems[0].ToString());
    }

    [Fact]
    public async Task AChunkAtTheServersExactLimits_IsTaken()
    {
        var store = Rest();
        var experiment = await store.GetOrCreateExperimentAsync("limits", default);
        var run = await store.CreateRunAsync(new MlflowNewRun(experiment, "r", null, At(0), NoTags), default);
        var parameters = Enumerable.Range(0, 250).ToDictionary(i => $"p{i:D3}", i => "v");
        var metrics = Enumerable.Range(0, 2500).Select(i => new MlflowPoint("m", i, At(i), i)).ToList();

        await store.LogBatchAsync(run, parameters, NoTags, metrics, default);   // the stand-in refuses a call past any limit

        Assert.Equal(2500, (await store.GetMetricHistoryAsync(run, "m", default)).Count);
        Assert.Equal(250, Directory.GetFiles(Path.Combine(_server.Store.RunFolder(run), "params")).Length);
    }

    private string CopyOf(string folder)
    {
        var copy = Path.Combine(_root, "copy", Path.GetFileName(folder));
        foreach (var file in Directory.GetFiles(folder, "*", SearchOption.AllDirectories))
        {
            var target = Path.Combine(copy, Path.GetRelativePath(folder, file));
            Directory.CreateDirectory(Path.GetDirectoryName(target)!);
            File.Copy(file, target);
        }
        return Path.GetDirectoryName(copy)!;
    }
}
