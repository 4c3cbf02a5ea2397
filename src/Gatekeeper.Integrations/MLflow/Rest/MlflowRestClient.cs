using System.Net;
using System.Net.Http.Headers;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using Polly;

namespace Gatekeeper.Integrations.MLflow.Rest;

/// <summary>
/// An MLflow tracking server over REST (<c>/api/2.0/mlflow/</c>), every call asynchronous and
/// cancellable, through the MLflow resilience pipeline (<see cref="MlflowResilience"/>). It follows
/// what real servers accept (shared/reference/mlflow.md): batches cut at the server's limits
/// (1000 metrics, 100 params, 100 tags, 1000 items and 1 MB a call), NaN and infinities sent as
/// MLflow's strings, <c>start_time</c> and <c>user_id</c> always sent, an experiment created by
/// someone else between our lookup and our creation taken as found, and a 3.x server's "Invalid Host
/// header" 403 explained.
/// </summary>
public sealed class MlflowRestClient : IMlflowStore
{
    private const int MaxMetrics = 1000, MaxParams = 100, MaxTags = 100, MaxBodyBytes = 1_000_000;

    private readonly HttpClient _http;
    private readonly string _base;
    private readonly ResiliencePipeline<HttpResponseMessage> _pipeline;

    /// <summary>
    /// A client for <paramref name="target"/> with its own HTTP connection: the server's certificate
    /// checked against <c>MLFLOW_TRACKING_SERVER_CERT_PATH</c> when given, or not at all with
    /// <c>MLFLOW_TRACKING_INSECURE_TLS</c>.
    /// </summary>
    public static MlflowRestClient Create(MlflowTrackingUri target, TimeProvider time, MlflowResilience.Options? resilience = null)
    {
        var handler = new SocketsHttpHandler { PooledConnectionLifetime = TimeSpan.FromMinutes(5) };
        if (target.InsecureTls)
            handler.SslOptions.RemoteCertificateValidationCallback = (_, _, _, _) => true;
        else if (target.ServerCertificatePath is { } bundle)
        {
            var authorities = new System.Security.Cryptography.X509Certificates.X509Certificate2Collection();
            authorities.ImportFromPemFile(bundle);
            handler.SslOptions.RemoteCertificateValidationCallback = (_, certificate, _, errors) =>
            {
                if (errors == System.Net.Security.SslPolicyErrors.None) return true;
                if (certificate is null || (errors & ~System.Net.Security.SslPolicyErrors.RemoteCertificateChainErrors) != 0) return false;
                using var chain = new System.Security.Cryptography.X509Certificates.X509Chain();
                chain.ChainPolicy.TrustMode = System.Security.Cryptography.X509Certificates.X509ChainTrustMode.CustomRootTrust;
                chain.ChainPolicy.CustomTrustStore.AddRange(authorities);
                chain.ChainPolicy.RevocationMode = System.Security.Cryptography.X509Certificates.X509RevocationMode.NoCheck;
                return chain.Build(new System.Security.Cryptography.X509Certificates.X509Certificate2(certificate));
            };
        }
        // The pipeline bounds each attempt; the client's own timeout must not cut a retried call short.
        var http = new HttpClient(handler) { Timeout = Timeout.InfiniteTimeSpan };
        return new MlflowRestClient(http, target, MlflowResilience.Pipeline(time, resilience));
    }

    public MlflowRestClient(HttpClient http, MlflowTrackingUri target, ResiliencePipeline<HttpResponseMessage> pipeline)
    {
        if (target.Kind != MlflowStoreKind.Rest) throw new ArgumentException("A REST client needs an http(s) tracking URI.", nameof(target));
        _http = http;
        _base = target.Location;
        _pipeline = pipeline;
        if (target.Token is { } token) _http.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", token);
        else if (target.Username is { } user)
            _http.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Basic", Convert.ToBase64String(Encoding.UTF8.GetBytes($"{user}:{target.Password}")));
    }

    public string Location => _base;

    public async Task<string> GetOrCreateExperimentAsync(string name, CancellationToken cancellation)
    {
        if (await FindExperimentAsync(name, cancellation) is { } id) return id;
        var (status, body) = await SendAsync(HttpMethod.Post, "experiments/create", new JsonObject { ["name"] = name }, cancellation, allowed: [HttpStatusCode.BadRequest]);
        if (status == HttpStatusCode.OK) return (string)body!["experiment_id"]!;
        if ((string?)body?["error_code"] == "RESOURCE_ALREADY_EXISTS" && await FindExperimentAsync(name, cancellation) is { } created) return created;
        throw Failure("experiments/create", status, body);
    }

    public async Task<string?> FindExperimentAsync(string name, CancellationToken cancellation)
    {
        var (status, body) = await SendAsync(HttpMethod.Get, $"experiments/get-by-name?experiment_name={Uri.EscapeDataString(name)}", null, cancellation,
            allowed: [HttpStatusCode.NotFound]);
        return status == HttpStatusCode.NotFound ? null : (string?)body?["experiment"]?["experiment_id"];
    }

    public async Task<string> CreateRunAsync(MlflowNewRun run, CancellationToken cancellation)
    {
        var tags = new Dictionary<string, string>(run.Tags) { ["mlflow.runName"] = run.Name, ["mlflow.user"] = Environment.UserName };
        if (run.ParentRunId is not null) tags["mlflow.parentRunId"] = run.ParentRunId;
        var request = new JsonObject
        {
            ["experiment_id"] = run.ExperimentId,
            ["run_name"] = run.Name,
            ["user_id"] = Environment.UserName,
            ["start_time"] = run.Start.ToUnixTimeMilliseconds(),
            ["tags"] = new JsonArray([.. tags.Select(t => (JsonNode)KeyValue(t.Key, MlflowKeys.Cut(t.Value, MlflowKeys.MaxTagLength)))]),
        };
        var (_, body) = await SendAsync(HttpMethod.Post, "runs/create", request, cancellation);
        return (string?)body?["run"]?["info"]?["run_id"] ?? throw new InfrastructureException($"MLflow at {_base} created a run but did not say its id.");
    }

    public async Task LogBatchAsync(string runId, IReadOnlyDictionary<string, string> parameters, IReadOnlyDictionary<string, string> tags,
        IReadOnlyList<MlflowPoint> metrics, CancellationToken cancellation)
    {
        var items = parameters.Select(p => ("params", (JsonNode)KeyValue(p.Key, MlflowKeys.Cut(p.Value, MlflowKeys.MaxParamLength))))
            .Concat(tags.Select(t => ("tags", (JsonNode)KeyValue(t.Key, MlflowKeys.Cut(t.Value, MlflowKeys.MaxTagLength)))))
            .Concat(metrics.Select(m => ("metrics", (JsonNode)Metric(m))))
            .ToList();
        foreach (var batch in Batches(items))
        {
            var request = new JsonObject { ["run_id"] = runId, ["params"] = new JsonArray(), ["tags"] = new JsonArray(), ["metrics"] = new JsonArray() };
            foreach (var (field, node) in batch) request[field]!.AsArray().Add(node);
            await SendAsync(HttpMethod.Post, "runs/log-batch", request, cancellation);
        }
    }

    public Task EndRunAsync(string runId, MlflowRunStatus status, DateTimeOffset end, CancellationToken cancellation) =>
        SendAsync(HttpMethod.Post, "runs/update", new JsonObject
        {
            ["run_id"] = runId, ["status"] = status.ToString().ToUpperInvariant(), ["end_time"] = end.ToUnixTimeMilliseconds(),
        }, cancellation);

    /// <summary>Every point of one metric of a run, page by page (<c>max_results</c> always sent: some 3.x servers page forever without it).</summary>
    public async Task<IReadOnlyList<MlflowPoint>> GetMetricHistoryAsync(string runId, string key, CancellationToken cancellation)
    {
        var points = new List<MlflowPoint>();
        await foreach (var page in Pages(token => (HttpMethod.Get,
            $"metrics/get-history?run_id={Uri.EscapeDataString(runId)}&metric_key={Uri.EscapeDataString(key)}&max_results={PageSize}" +
            (token is null ? "" : $"&page_token={Uri.EscapeDataString(token)}"), null), "metrics/get-history", cancellation))
        {
            foreach (var m in page["metrics"]?.AsArray() ?? [])
                points.Add(new MlflowPoint((string)m!["key"]!, Number(m["value"]), DateTimeOffset.FromUnixTimeMilliseconds(Long(m["timestamp"])), Long(m["step"])));
        }
        return points;
    }

    public Task<IReadOnlyList<MlflowRunSummary>> SearchRunsAsync(string experimentId, string tagKey, string tagValue, int limit, CancellationToken cancellation)
    {
        if (tagValue.Contains('\'') || tagKey.Contains('`')) throw new ArgumentException($"A tag searched for cannot hold quotes: {tagKey} = {tagValue}.");
        return SearchRunsAsync([experimentId], $"tags.`{tagKey}` = '{tagValue}'", limit, cancellation);
    }

    /// <summary>The newest runs of the experiments (at most <paramref name="limit"/>) that match an MLflow filter, page by page.</summary>
    public async Task<IReadOnlyList<MlflowRunSummary>> SearchRunsAsync(IReadOnlyList<string> experimentIds, string? filter, int limit, CancellationToken cancellation)
    {
        var runs = new List<MlflowRunSummary>();
        await foreach (var page in Pages(token => (HttpMethod.Post, "runs/search", new JsonObject
        {
            ["experiment_ids"] = new JsonArray([.. experimentIds.Select(id => (JsonNode)id)]),
            ["filter"] = filter ?? "",
            ["max_results"] = Math.Min(PageSize, Math.Max(1, limit - runs.Count)),
            ["order_by"] = new JsonArray("attributes.start_time DESC"),
            ["page_token"] = token,
        }), "runs/search", cancellation))
        {
            foreach (var run in page["runs"]?.AsArray() ?? [])
            {
                var info = run!["info"]!;
                var data = run["data"];
                var end = info["end_time"] is { } endTime && Long(endTime) > 0 ? DateTimeOffset.FromUnixTimeMilliseconds(Long(endTime)) : (DateTimeOffset?)null;
                runs.Add(new MlflowRunSummary((string)info["run_id"]!, (string?)info["run_name"] ?? "",
                    Enum.TryParse<MlflowRunStatus>((string?)info["status"], ignoreCase: true, out var status) ? status : MlflowRunStatus.Running,
                    DateTimeOffset.FromUnixTimeMilliseconds(Long(info["start_time"])), end,
                    (data?["tags"]?.AsArray() ?? []).ToDictionary(t => (string)t!["key"]!, t => (string?)t!["value"] ?? ""),
                    (data?["metrics"]?.AsArray() ?? []).ToDictionary(m => (string)m!["key"]!, m => Number(m!["value"]))));
            }
            if (runs.Count >= limit) break;
        }
        return runs.Count > limit ? runs[..limit] : runs;
    }

    /// <summary>
    /// Uploads a file into the run's artifacts through the server's proxy (runs whose artifact URI is
    /// <c>mlflow-artifacts:/</c>). A run stored elsewhere (s3://, file://) offers no REST upload: said so.
    /// </summary>
    public async Task LogArtifactAsync(string runId, string localFile, string artifactPath, CancellationToken cancellation)
    {
        var (_, body) = await SendAsync(HttpMethod.Get, $"runs/get?run_id={Uri.EscapeDataString(runId)}", null, cancellation);
        var root = (string?)body?["run"]?["info"]?["artifact_uri"] ?? "";
        const string proxied = "mlflow-artifacts:/";
        if (!root.StartsWith(proxied, StringComparison.Ordinal))
            throw new InfrastructureException($"MLflow at {_base} stores run {runId}'s artifacts at '{root}', which it does not accept uploads for; start the server with artifact serving (the default, not --no-serve-artifacts) and an experiment whose artifact location is mlflow-artifacts:/.");
        var path = $"{root[proxied.Length..].TrimStart('/')}/{artifactPath.TrimStart('/')}";
        var url = $"{_base}/api/2.0/mlflow-artifacts/artifacts/{string.Join('/', path.Split('/').Select(Uri.EscapeDataString))}";
        var bytes = await File.ReadAllBytesAsync(localFile, cancellation);
        await SendRawAsync(HttpMethod.Put, url, () => new ByteArrayContent(bytes), "mlflow-artifacts/artifacts", cancellation);
    }

    public async Task<string> RegisterModelVersionAsync(string model, string source, string runId, CancellationToken cancellation)
    {
        var (status, body) = await SendAsync(HttpMethod.Post, "registered-models/create", new JsonObject { ["name"] = model }, cancellation, allowed: [HttpStatusCode.BadRequest]);
        if (status != HttpStatusCode.OK && (string?)body?["error_code"] != "RESOURCE_ALREADY_EXISTS") throw Failure("registered-models/create", status, body);
        var (_, version) = await SendAsync(HttpMethod.Post, "model-versions/create", new JsonObject { ["name"] = model, ["source"] = source, ["run_id"] = runId }, cancellation);
        return (string?)version?["model_version"]?["version"] ?? throw new InfrastructureException($"MLflow at {_base} created a version of {model} but did not say which.");
    }

    public async Task<string?> GetAliasAsync(string model, string alias, CancellationToken cancellation)
    {
        var (status, body) = await SendAsync(HttpMethod.Get, $"registered-models/alias?name={Uri.EscapeDataString(model)}&alias={Uri.EscapeDataString(alias)}", null, cancellation,
            allowed: [HttpStatusCode.NotFound, HttpStatusCode.BadRequest]);
        return status == HttpStatusCode.OK ? (string?)body?["model_version"]?["version"] : null;
    }

    public Task SetAliasAsync(string model, string alias, string version, CancellationToken cancellation) =>
        SendAsync(HttpMethod.Post, "registered-models/alias", new JsonObject { ["name"] = model, ["alias"] = alias, ["version"] = version }, cancellation);

    private const int PageSize = 1000;

    /// <summary>Each page of a paged call until it has no next page; a token that does not advance is the server's fault, reported.</summary>
    private async IAsyncEnumerable<JsonNode> Pages(Func<string?, (HttpMethod Method, string Path, JsonObject? Body)> request, string name,
        [System.Runtime.CompilerServices.EnumeratorCancellation] CancellationToken cancellation)
    {
        string? token = null;
        var seen = new HashSet<string>();
        while (true)
        {
            var (method, path, body) = request(token);
            var (_, page) = await SendAsync(method, path, body, cancellation);
            if (page is null) yield break;
            yield return page;
            token = (string?)page["next_page_token"];
            if (string.IsNullOrEmpty(token)) yield break;
            if (!seen.Add(token)) throw new InfrastructureException($"MLflow at {_base} gave the page token of a page already read for {name}: its paging does not advance.");
        }
    }

    /// <summary>A number as MLflow sends it: a JSON number, or "NaN", "Infinity", "-Infinity".</summary>
    private static double Number(JsonNode? node) => node switch
    {
        null => double.NaN,
        JsonValue v when v.TryGetValue<double>(out var d) => d,
        JsonValue v when v.TryGetValue<string>(out var text) => text switch
        {
            "NaN" => double.NaN,
            "Infinity" => double.PositiveInfinity,
            "-Infinity" => double.NegativeInfinity,
            _ => double.Parse(text, System.Globalization.CultureInfo.InvariantCulture),
        },
        _ => double.NaN,
    };

    /// <summary>An int64 as MLflow sends it: a number, or (accepted on input) a string.</summary>
    private static long Long(JsonNode? node) => node is JsonValue v && v.TryGetValue<long>(out var l) ? l
        : node is JsonValue s && s.TryGetValue<string>(out var text) && long.TryParse(text, out var parsed) ? parsed : 0;

    /// <summary>Calls of at most the server's counts and body size, in the order given.</summary>
    internal static IEnumerable<List<(string Field, JsonNode Node)>> Batches(IReadOnlyList<(string Field, JsonNode Node)> items)
    {
        var batch = new List<(string, JsonNode)>();
        var counts = new Dictionary<string, int>();
        long bytes = 0;
        foreach (var (field, node) in items)
        {
            int size = Encoding.UTF8.GetByteCount(node.ToJsonString()) + 1;
            int limit = field switch { "metrics" => MaxMetrics, "params" => MaxParams, _ => MaxTags };
            if (batch.Count > 0 && (counts.GetValueOrDefault(field) + 1 > limit || batch.Count + 1 > MaxMetrics || bytes + size > MaxBodyBytes - 1000))
            {
                yield return batch;
                (batch, counts, bytes) = ([], [], 0);
            }
            batch.Add((field, node));
            counts[field] = counts.GetValueOrDefault(field) + 1;
            bytes += size;
        }
        if (batch.Count > 0) yield return batch;
    }

    private static JsonObject KeyValue(string key, string value) => new() { ["key"] = key, ["value"] = value };

    /// <summary>A metric point as MLflow reads it: NaN and infinities as its strings.</summary>
    internal static JsonObject Metric(MlflowPoint point) => new()
    {
        ["key"] = point.Key,
        ["value"] = double.IsFinite(point.Value) ? JsonValue.Create(point.Value)
            : JsonValue.Create(double.IsNaN(point.Value) ? "NaN" : point.Value > 0 ? "Infinity" : "-Infinity"),
        ["timestamp"] = point.Timestamp.ToUnixTimeMilliseconds(),
        ["step"] = point.Step,
    };

    private Task<(HttpStatusCode Status, JsonNode? Body)> SendAsync(HttpMethod method, string path, JsonObject? body, CancellationToken cancellation,
        HttpStatusCode[]? allowed = null)
    {
        var json = body?.ToJsonString();
        return SendRawAsync(method, $"{_base}/api/2.0/mlflow/{path}", json is null ? null : () => new StringContent(json, Encoding.UTF8, "application/json"),
            path, cancellation, allowed);
    }

    /// <summary>One call through the pipeline (a fresh request each attempt), its answer parsed; an answer that is not success or allowed is a failure.</summary>
    private async Task<(HttpStatusCode Status, JsonNode? Body)> SendRawAsync(HttpMethod method, string url, Func<HttpContent>? content, string path,
        CancellationToken cancellation, HttpStatusCode[]? allowed = null)
    {
        HttpResponseMessage response;
        try
        {
            response = await _pipeline.ExecuteAsync(async token =>
            {
                using var request = new HttpRequestMessage(method, url);
                if (content is not null) request.Content = content();
                return await _http.SendAsync(request, token);
            }, cancellation);
        }
        catch (Exception e) when (e is HttpRequestException or Polly.Timeout.TimeoutRejectedException)
        {
            throw new InfrastructureException($"MLflow at {_base} could not be reached for {path}: {e.Message}");
        }
        using (response)
        {
            var text = await response.Content.ReadAsStringAsync(cancellation);
            JsonNode? parsed = null;
            try
            {
                parsed = text.Length == 0 ? null : JsonNode.Parse(text);
            }
            catch (JsonException)
            {
                // Not JSON (an HTML error page, a proxy's answer): judged by its status below.
            }
            if (response.IsSuccessStatusCode || allowed?.Contains(response.StatusCode) == true) return (response.StatusCode, parsed);
            if (response.StatusCode == HttpStatusCode.Forbidden && text.Contains("Invalid Host header", StringComparison.OrdinalIgnoreCase))
                throw new InfrastructureException($"MLflow at {_base} refused the request's Host header (403): an MLflow 3 server accepts only localhost unless started with --allowed-hosts naming the host Gatekeeper uses.");
            throw Failure(path, response.StatusCode, parsed, text);
        }
    }

    private InfrastructureException Failure(string path, HttpStatusCode status, JsonNode? body, string? text = null)
    {
        string what = body?["error_code"] is { } code ? $"{code}: {body["message"]}" : text is { Length: > 0 } ? text[..Math.Min(200, text.Length)] : "no message";
        string hint = status switch
        {
            HttpStatusCode.Unauthorized => " Set MLFLOW_TRACKING_TOKEN, or MLFLOW_TRACKING_USERNAME and MLFLOW_TRACKING_PASSWORD.",
            HttpStatusCode.Forbidden => " The credentials were accepted but do not allow this; ask for write access to the experiment.",
            _ => "",
        };
        return new InfrastructureException($"MLflow at {_base} answered {(int)status} to {path} ({what}).{hint}");
    }
}
