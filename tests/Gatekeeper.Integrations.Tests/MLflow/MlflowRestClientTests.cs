using System.Text.Json.Nodes;
using Gatekeeper.Integrations.MLflow;
using Gatekeeper.Integrations.MLflow.Rest;
using Microsoft.Extensions.Time.Testing;
using WireMock.RequestBuilders;
using WireMock.ResponseBuilders;
using WireMock.Server;

namespace Gatekeeper.Integrations.Tests.MLflow;

/// <summary>The REST client against a stand-in MLflow server (WireMock), with time that only moves when the test moves it.</summary>
public sealed class MlflowRestClientTests : IDisposable
{
    private const string Api = "/api/2.0/mlflow/";
    private readonly WireMockServer _server = WireMockServer.Start();
    private readonly FakeTimeProvider _time = new(new DateTimeOffset(2026, 12, 1, 12, 0, 0, TimeSpan.Zero));
    // A connection per request: the stand-in server closes idle connections, and a request resent on one it closed would be logged twice.
    private readonly HttpClient _http = new() { DefaultRequestHeaders = { ConnectionClose = true } };

    public void Dispose()
    {
        _http.Dispose();
        _server.Stop();
        _server.Dispose();
    }

    private MlflowRestClient Client(string? token = null) => new(_http,
        new MlflowTrackingUri { Kind = MlflowStoreKind.Rest, Location = _server.Urls[0], Token = token },
        // Fake time runs 100 times faster than real time here (Run), so an attempt's timeout is far off: a slow machine must not time out a real answer.
        MlflowResilience.Pipeline(_time, new MlflowResilience.Options { AttemptTimeout = TimeSpan.FromDays(1) }));

    private void Answer(string path, int status, string body) =>
        _server.Given(Request.Create().WithPath(Api + path))
            .RespondWith(Response.Create().WithStatusCode(status).WithHeader("Content-Type", "application/json").WithBody(body));

    /// <summary>Answers the path's calls in turn with these answers, the last one for every call after.</summary>
    private void AnswerInTurn(string path, params (int Status, string Body)[] answers)
    {
        int calls = 0;
        _server.Given(Request.Create().WithPath(Api + path)).RespondWith(Response.Create().WithCallback(_ =>
        {
            var (status, body) = answers[Math.Min(Interlocked.Increment(ref calls), answers.Length) - 1];
            return new WireMock.ResponseMessage
            {
                StatusCode = status,
                Headers = new Dictionary<string, WireMock.Types.WireMockList<string>> { ["Content-Type"] = new("application/json") },
                BodyData = new WireMock.Util.BodyData { BodyAsString = body, DetectedBodyType = WireMock.Types.BodyType.String },
            };
        }));
    }

    /// <summary>Runs the call, moving fake time on until it finishes: backoff delays pass instantly.</summary>
    private async Task<T> Run<T>(Func<Task<T>> call)
    {
        var task = call();
        for (int i = 0; i < 200 && !task.IsCompleted; i++)
        {
            await Task.Delay(10);
            _time.Advance(TimeSpan.FromSeconds(1));
        }
        return await task;
    }

    /// <summary>The requests made to <paramref name="path"/>, once the server has logged at least <paramref name="count"/> (it logs after answering).</summary>
    private Task<List<WireMock.Logging.ILogEntry>> Requests(string path, int count) => Logged(e => e.RequestMessage.Path == Api + path, count);

    private async Task<List<WireMock.Logging.ILogEntry>> Logged(Func<WireMock.Logging.ILogEntry, bool> which, int count)
    {
        for (int i = 0; i < 500; i++)
        {
            var entries = _server.LogEntries.Where(which).ToList();
            if (entries.Count >= count) return entries;
            await Task.Delay(10);
        }
        return [.. _server.LogEntries.Where(which)];
    }

    private async Task<List<JsonNode>> Bodies(string path, int count) =>
        [.. (await Requests(path, count)).Select(e => JsonNode.Parse(e.RequestMessage.Body!)!)];

    [Fact]
    public async Task GetOrCreateExperiment_CreatesWhenAbsent_AndTakesAConcurrentCreatorsAsFound()
    {
        AnswerInTurn("experiments/get-by-name", (404, """{"error_code":"RESOURCE_DOES_NOT_EXIST","message":"no"}"""),
            (200, """{"experiment":{"experiment_id":"17","name":"gatekeeper/default"}}"""));
        Answer("experiments/create", 400, """{"error_code":"RESOURCE_ALREADY_EXISTS","message":"taken"}""");

        var id = await Run(() => Client().GetOrCreateExperimentAsync("gatekeeper/default", CancellationToken.None));

        Assert.Equal("17", id);
        Assert.Equal("gatekeeper/default", (string)(await Bodies("experiments/create", 1)).Single()["name"]!);
        // Looked up again after the refused creation, and found.
        Assert.Equal(200, (await Requests("experiments/get-by-name", 2))[^1].ResponseMessage.StatusCode);
    }

    [Fact]
    public async Task LogBatch_CutsAtTheServersLimits_AndSendsNaNAsMlflowReadsIt()
    {
        Answer("runs/log-batch", 200, "{}");
        var parameters = Enumerable.Range(0, 150).ToDictionary(i => $"p{i}", i => $"{i}");
        var start = _time.GetUtcNow();
        var metrics = Enumerable.Range(0, 2500).Select(i => new MlflowPoint("train/loss", i == 7 ? double.NaN : i, start.AddSeconds(i), i)).ToList();

        await Run(async () => { await Client().LogBatchAsync("r1", parameters, new Dictionary<string, string>(), metrics, CancellationToken.None); return 0; });

        var calls = await Bodies("runs/log-batch", 4);
        Assert.All(calls, c => Assert.True(c["params"]!.AsArray().Count <= 100 && c["metrics"]!.AsArray().Count <= 1000
            && c["params"]!.AsArray().Count + c["metrics"]!.AsArray().Count <= 1000));
        Assert.Equal(150, calls.Sum(c => c["params"]!.AsArray().Count));
        Assert.Equal(2500, calls.Sum(c => c["metrics"]!.AsArray().Count));
        var seven = calls.SelectMany(c => c["metrics"]!.AsArray()).Single(m => (long)m!["step"]! == 7)!;
        Assert.Equal("NaN", (string)seven["value"]!);
        Assert.Equal(start.AddSeconds(7).ToUnixTimeMilliseconds(), (long)seven["timestamp"]!);   // when it was measured, not when it was sent
    }

    [Fact]
    public async Task TransientFailures_AreRetried_AndABadValueIsNot()
    {
        AnswerInTurn("runs/create", (503, "unavailable"), (502, "bad gateway"), (200, """{"run":{"info":{"run_id":"abc"}}}"""));

        var run = await Run(() => Client("secret").CreateRunAsync(new MlflowNewRun("3", "gate default", "parent", _time.GetUtcNow(), new Dictionary<string, string> { ["pr"] = "42" }), CancellationToken.None));

        Assert.Equal("abc", run);
        var attempts = await Requests("runs/create", 3);
        Assert.Equal(3, attempts.Count);
        Assert.Equal("Bearer secret", attempts[0].RequestMessage.Headers!["Authorization"].Single());
        var sent = JsonNode.Parse(attempts[^1].RequestMessage.Body!)!;
        Assert.InRange((long)sent["start_time"]!, _time.GetUtcNow().AddMinutes(-5).ToUnixTimeMilliseconds(), _time.GetUtcNow().ToUnixTimeMilliseconds());   // a start time is always sent
        Assert.Contains(sent["tags"]!.AsArray(), t => (string)t!["key"]! == "mlflow.parentRunId" && (string)t["value"]! == "parent");

        _server.Reset();
        Answer("runs/update", 400, """{"error_code":"INVALID_PARAMETER_VALUE","message":"bad status"}""");
        var error = await Assert.ThrowsAsync<InfrastructureException>(() => Run(async () => { await Client().EndRunAsync("abc", MlflowRunStatus.Finished, _time.GetUtcNow(), CancellationToken.None); return 0; }));
        Assert.Contains("answered 400 to runs/update (INVALID_PARAMETER_VALUE: bad status)", error.Message);
        Assert.Single(await Requests("runs/update", 1));   // not retried
    }

    [Fact]
    public async Task MetricHistory_FollowsEveryPage_AlwaysAskingForAPageSize()
    {
        _server.Given(Request.Create().WithPath(Api + "metrics/get-history").WithParam("page_token", "p2").UsingGet()).AtPriority(1)
            .RespondWith(Response.Create().WithStatusCode(200).WithBody("""{"metrics":[{"key":"train/loss","value":"NaN","timestamp":2000,"step":2}]}"""));
        _server.Given(Request.Create().WithPath(Api + "metrics/get-history").UsingGet()).AtPriority(10)
            .RespondWith(Response.Create().WithStatusCode(200).WithBody("""{"metrics":[{"key":"train/loss","value":0.5,"timestamp":1000,"step":1}],"next_page_token":"p2"}"""));

        var points = await Run(() => Client().GetMetricHistoryAsync("r1", "train/loss", CancellationToken.None));

        Assert.Equal([1L, 2L], points.Select(p => p.Step));
        Assert.Equal(0.5, points[0].Value);
        Assert.True(double.IsNaN(points[1].Value));
        Assert.Equal(DateTimeOffset.FromUnixTimeMilliseconds(2000), points[1].Timestamp);
        Assert.All(await Requests("metrics/get-history", 2), e => Assert.Equal("1000", e.RequestMessage.Query!["max_results"].Single()));
    }

    [Fact]
    public async Task SearchRuns_StopsAtTheLimit_AndAPageTokenThatNeverAdvancesIsReported()
    {
        Answer("runs/search", 200, """{"runs":[{"info":{"run_id":"a","status":"FINISHED","start_time":"5"},"data":{"tags":[{"key":"gatekeeper.verdict","value":"fail"}],"metrics":[{"key":"target/units/delta","value":0.4}]}},{"info":{"run_id":"b","status":"FINISHED","start_time":4}}],"next_page_token":"same"}""");

        var runs = await Run(() => Client().SearchRunsAsync(["3"], "tags.gatekeeper.verdict = 'fail'", 2, CancellationToken.None));
        Assert.Equal(["a", "b"], runs.Select(r => r.RunId));
        Assert.Equal(("fail", 0.4), (runs[0].Tags["gatekeeper.verdict"], runs[0].Metrics["target/units/delta"]));
        Assert.Equal(DateTimeOffset.FromUnixTimeMilliseconds(5), runs[0].Start);

        var error = await Assert.ThrowsAsync<InfrastructureException>(() => Run(() => Client().SearchRunsAsync(["3"], null, 10, CancellationToken.None)));
        Assert.Contains("paging does not advance", error.Message);
    }

    [Fact]
    public async Task LogArtifact_UploadsThroughTheProxy_AndSaysWhenTheRunsStoreTakesNoUploads()
    {
        Answer("runs/get", 200, """{"run":{"info":{"run_id":"r1","artifact_uri":"mlflow-artifacts:/3/r1/artifacts"}}}""");
        _server.Given(Request.Create().WithPath("/api/2.0/mlflow-artifacts/artifacts/3/r1/artifacts/reports/report.md").UsingPut())
            .RespondWith(Response.Create().WithStatusCode(200).WithBody("{}"));
        var file = Path.Combine(Path.GetTempPath(), $"gk-artifact-{Guid.NewGuid():N}.md");
        File.WriteAllText(file, "# report");
        try
        {
            await Run(async () => { await Client().LogArtifactAsync("r1", file, "reports/report.md", CancellationToken.None); return 0; });
            var upload = (await Logged(e => e.RequestMessage.Method == "PUT", 1)).Single();
            Assert.Equal("/api/2.0/mlflow-artifacts/artifacts/3/r1/artifacts/reports/report.md", upload.RequestMessage.Path);
            Assert.Equal("# report", upload.RequestMessage.Body);

            _server.Reset();
            Answer("runs/get", 200, """{"run":{"info":{"run_id":"r1","artifact_uri":"s3://bucket/3/r1/artifacts"}}}""");
            var error = await Assert.ThrowsAsync<InfrastructureException>(() => Run(async () => { await Client().LogArtifactAsync("r1", file, "report.md", CancellationToken.None); return 0; }));
            Assert.Contains("s3://bucket/3/r1/artifacts", error.Message);
            Assert.Contains("--no-serve-artifacts", error.Message);
        }
        finally
        {
            File.Delete(file);
        }
    }

    [Fact]
    public async Task Registry_RegistersAVersionOfAModelThatExists_AndMovesTheAlias()
    {
        Answer("registered-models/create", 400, """{"error_code":"RESOURCE_ALREADY_EXISTS","message":"exists"}""");
        Answer("model-versions/create", 200, """{"model_version":{"name":"units","version":"4"}}""");
        Answer("registered-models/alias", 200, """{"model_version":{"name":"units","version":"3"}}""");

        var client = Client();
        Assert.Equal("3", await Run(() => client.GetAliasAsync("units", "champion", CancellationToken.None)));
        var version = await Run(() => client.RegisterModelVersionAsync("units", "mlflow-artifacts:/3/r1/artifacts/candidate", "r1", CancellationToken.None));
        await Run(async () => { await client.SetAliasAsync("units", "champion", version, CancellationToken.None); return 0; });

        Assert.Equal("4", version);
        var moved = JsonNode.Parse((await Logged(e => e.RequestMessage.Path == Api + "registered-models/alias" && e.RequestMessage.Method == "POST", 1)).Single().RequestMessage.Body!)!;
        Assert.Equal(("units", "champion", "4"), ((string)moved["name"]!, (string)moved["alias"]!, (string)moved["version"]!));
    }

    [Fact]
    public void RetryAfter_IsHonoured_AndCapped()
    {
        using var seconds = new HttpResponseMessage(System.Net.HttpStatusCode.TooManyRequests);
        seconds.Headers.RetryAfter = new System.Net.Http.Headers.RetryConditionHeaderValue(TimeSpan.FromSeconds(7));
        Assert.Equal(TimeSpan.FromSeconds(7), MlflowResilience.RetryAfter(seconds, _time, TimeSpan.FromMinutes(2)));
        using var date = new HttpResponseMessage(System.Net.HttpStatusCode.ServiceUnavailable);
        date.Headers.RetryAfter = new System.Net.Http.Headers.RetryConditionHeaderValue(_time.GetUtcNow().AddMinutes(10));
        Assert.Equal(TimeSpan.FromMinutes(2), MlflowResilience.RetryAfter(date, _time, TimeSpan.FromMinutes(2)));
        Assert.Null(MlflowResilience.RetryAfter(new HttpResponseMessage(System.Net.HttpStatusCode.ServiceUnavailable), _time, TimeSpan.FromMinutes(2)));
    }

    [Fact]
    public async Task AnMlflow3HostCheck_IsExplained()
    {
        _server.Given(Request.Create().WithPath(Api + "experiments/get-by-name")).RespondWith(Response.Create().WithStatusCode(403).WithBody("Invalid Host header"));
        var error = await Assert.ThrowsAsync<InfrastructureException>(() => Run(() => Client().GetOrCreateExperimentAsync("g", CancellationToken.None)));
        Assert.Contains("--allowed-hosts", error.Message);
    }

    [Fact]
    public async Task ABurstOf500s_IsRetriedUpToTheLimit_ThenReported_AndTheNextCallGoesThrough()
    {
        AnswerInTurn("runs/update", (500, """{"error_code":"INTERNAL_ERROR","message":"db locked"}"""), (500, "{}"), (500, "{}"), (500, "{}"), (500, "{}"), (200, "{}"));

        var error = await Assert.ThrowsAsync<InfrastructureException>(() => Run(async () => { await Client().EndRunAsync("r", MlflowRunStatus.Finished, _time.GetUtcNow(), CancellationToken.None); return 0; }));
        Assert.Contains("answered 500 to runs/update", error.Message);
        Assert.Equal(5, (await Requests("runs/update", 5)).Count);   // the first try and four retries

        await Run(async () => { await Client().EndRunAsync("r", MlflowRunStatus.Finished, _time.GetUtcNow(), CancellationToken.None); return 0; });
        Assert.Equal(6, (await Requests("runs/update", 6)).Count);
    }

    [Fact]
    public async Task ADroppedConnection_IsRetried_ThenSaidToBeUnreachable()
    {
        // A server that takes each connection and drops it at once, before any answer.
        var listener = new System.Net.Sockets.TcpListener(System.Net.IPAddress.Loopback, 0);
        listener.Start();
        int dropped = 0;
        using var stop = new CancellationTokenSource();
        var dropping = Task.Run(async () =>
        {
            while (!stop.IsCancellationRequested)
            {
                using var connection = await listener.AcceptTcpClientAsync(stop.Token);
                Interlocked.Increment(ref dropped);
                connection.Client.LingerState = new System.Net.Sockets.LingerOption(true, 0);   // a reset, not a polite close
            }
        });
        var client = new MlflowRestClient(_http, new MlflowTrackingUri { Kind = MlflowStoreKind.Rest, Location = $"http://127.0.0.1:{((System.Net.IPEndPoint)listener.LocalEndpoint).Port}" },
            MlflowResilience.Pipeline(_time, new MlflowResilience.Options { AttemptTimeout = TimeSpan.FromDays(1) }));

        var error = await Assert.ThrowsAsync<InfrastructureException>(() => Run(async () => { await client.EndRunAsync("r", MlflowRunStatus.Finished, _time.GetUtcNow(), CancellationToken.None); return 0; }));

        Assert.Contains("could not be reached for runs/update", error.Message);
        Assert.Equal(5, Volatile.Read(ref dropped));   // the first try and four retries
        stop.Cancel();
        listener.Stop();
    }
}
