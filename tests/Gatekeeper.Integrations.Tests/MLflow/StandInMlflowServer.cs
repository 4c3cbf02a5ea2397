using System.Net;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using Gatekeeper.Integrations.MLflow;
using WireMock;
using WireMock.RequestBuilders;
using WireMock.ResponseBuilders;
using WireMock.Server;
using WireMock.Types;
using WireMock.Util;

namespace Gatekeeper.Integrations.Tests.MLflow;

/// <summary>
/// An in-process MLflow tracking server for tests, answering the REST calls Gatekeeper makes as
/// shared/reference/mlflow.md describes a real one: JSON error bodies, 404 for an experiment
/// looked up by a name it does not have, 400 past the log-batch limits or for a changed param,
/// runs whose artifacts go through its proxy, a model registry. What it is told it keeps in an
/// MLflow file store (<see cref="Store"/>), so a test reads it back as MLflow would show it.
/// <see cref="Down"/> makes it answer 503 to everything, as a server in an outage does.
/// </summary>
public sealed partial class StandInMlflowServer : IDisposable
{
    private const string Api = "/api/2.0/mlflow/";
    private const string Artifacts = "/api/2.0/mlflow-artifacts/artifacts/";
    private readonly WireMockServer _server = WireMockServer.Start();
    private readonly Dictionary<string, List<(string Version, string Source, string RunId)>> _models = [];
    private readonly Dictionary<(string Model, string Alias), string> _aliases = [];
    private readonly object _lock = new();

    public StandInMlflowServer(string folder)
    {
        Folder = folder;
        Store = new MlflowFileStore(folder);
        _server.Given(Request.Create().WithPath(new WireMock.Matchers.RegexMatcher("^/api/.*"))).RespondWith(Response.Create().WithCallback(Answer));
    }

    public string Url => _server.Urls[0];

    /// <summary>The file store behind the server: what it was told, readable as MLflow reads it.</summary>
    public MlflowFileStore Store { get; }

    public string Folder { get; }

    /// <summary>While true, every call is answered 503.</summary>
    public volatile bool Down;

    /// <summary>Calls answered so far (an outage's 503s included).</summary>
    public int Calls;

    public IReadOnlyList<(string Version, string Source, string RunId)> Versions(string model)
    {
        lock (_lock) return _models.TryGetValue(model, out var versions) ? [.. versions] : [];
    }

    private ResponseMessage Answer(IRequestMessage request)
    {
        Interlocked.Increment(ref Calls);
        if (Down) return Json(503, """{"error_code":"TEMPORARILY_UNAVAILABLE","message":"down for the test"}""");
        lock (_lock)
        {
            try
            {
                return Dispatch(request);
            }
            catch (InvalidOperationException e)
            {
                return Error(400, "INVALID_PARAMETER_VALUE", e.Message);
            }
        }
    }

    private ResponseMessage Dispatch(IRequestMessage request)
    {
        var path = request.Path;
        if (path.StartsWith(Artifacts, StringComparison.Ordinal) && request.Method == "PUT")
        {
            // <experiment>/<run>/artifacts/<path>
            var parts = Uri.UnescapeDataString(path[Artifacts.Length..]).Split('/', 4);
            var temp = Path.GetTempFileName();
            File.WriteAllBytes(temp, request.BodyAsBytes ?? []);
            Wait(Store.LogArtifactAsync(parts[1], temp, parts[3], default));
            File.Delete(temp);
            return Json(200, "{}");
        }
        var call = path.StartsWith(Api, StringComparison.Ordinal) ? path[Api.Length..] : path;
        var body = request.Body is { Length: > 0 } text ? JsonNode.Parse(text)! : new JsonObject();
        string Query(string name) => request.Query?.TryGetValue(name, out var values) == true ? values[0] : "";
        switch (call)
        {
            case "experiments/get-by-name":
            {
                var name = Query("experiment_name");
                var id = ExperimentId(name);
                return id is null ? Error(404, "RESOURCE_DOES_NOT_EXIST", $"Could not find experiment with name '{name}'")
                    : Json(200, new JsonObject { ["experiment"] = new JsonObject { ["experiment_id"] = id, ["name"] = name } });
            }
            case "experiments/create":
            {
                var name = (string)body["name"]!;
                if (ExperimentId(name) is not null) return Error(400, "RESOURCE_ALREADY_EXISTS", $"Experiment '{name}' already exists.");
                return Json(200, new JsonObject { ["experiment_id"] = Wait(Store.GetOrCreateExperimentAsync(name, default)) });
            }
            case "runs/create":
            {
                if (body["start_time"] is null) return Error(400, "INVALID_PARAMETER_VALUE", "start_time is expected");
                var tags = body["tags"]!.AsArray().ToDictionary(t => (string)t!["key"]!, t => (string)t!["value"]!);
                var experiment = (string)body["experiment_id"]!;
                var run = Wait(Store.CreateRunAsync(new MlflowNewRun(experiment, (string)body["run_name"]!, tags.GetValueOrDefault("mlflow.parentRunId"),
                    DateTimeOffset.FromUnixTimeMilliseconds((long)body["start_time"]!), tags), default));
                return Json(200, new JsonObject { ["run"] = new JsonObject { ["info"] = Info(experiment, run) } });
            }
            case "runs/get":
            {
                var run = Query("run_id");
                var experiment = Path.GetFileName(Path.GetDirectoryName(Store.RunFolder(run)))!;
                return Json(200, new JsonObject { ["run"] = new JsonObject { ["info"] = Info(experiment, run) } });
            }
            case "runs/log-batch":
            {
                int metrics = body["metrics"]?.AsArray().Count ?? 0, parameters = body["params"]?.AsArray().Count ?? 0, tags = body["tags"]?.AsArray().Count ?? 0;
                if (metrics > 1000 || parameters > 100 || tags > 100 || metrics + parameters + tags > 1000 || request.Body!.Length > 1_000_000)
                    return Error(400, "INVALID_PARAMETER_VALUE", $"A batch logging request can contain at most 1000 metrics, 100 params, 100 tags and 1000 items; got {metrics}, {parameters}, {tags}.");
                static Dictionary<string, string> Pairs(JsonNode? list) => (list?.AsArray() ?? []).ToDictionary(p => (string)p!["key"]!, p => (string)p!["value"]!);
                var points = (body["metrics"]?.AsArray() ?? []).Select(m => new MlflowPoint((string)m!["key"]!, Number(m["value"]!),
                    DateTimeOffset.FromUnixTimeMilliseconds((long)m["timestamp"]!), (long?)m["step"] ?? 0)).ToList();
                Wait(Store.LogBatchAsync((string)body["run_id"]!, Pairs(body["params"]), Pairs(body["tags"]), points, default));
                return Json(200, "{}");
            }
            case "runs/update":
                Wait(Store.EndRunAsync((string)body["run_id"]!, Enum.Parse<MlflowRunStatus>((string)body["status"]!, ignoreCase: true),
                    DateTimeOffset.FromUnixTimeMilliseconds((long)body["end_time"]!), default));
                return Json(200, "{}");
            case "runs/search":
            {
                if (body["max_results"] is null) return Error(400, "INVALID_PARAMETER_VALUE", "max_results is expected");
                var filter = TagFilter().Match((string?)body["filter"] ?? "");
                if (!filter.Success) return Error(400, "INVALID_PARAMETER_VALUE", $"this stand-in reads one tag equality, not '{body["filter"]}'");
                var experiment = (string)body["experiment_ids"]![0]!;
                var runs = Wait(Store.SearchRunsAsync(experiment, filter.Groups[1].Value, filter.Groups[2].Value, (int)body["max_results"]!, default));
                return Json(200, new JsonObject
                {
                    ["runs"] = new JsonArray([.. runs.Select(r => (JsonNode)new JsonObject
                    {
                        ["info"] = new JsonObject
                        {
                            ["run_id"] = r.RunId, ["run_name"] = r.Name, ["status"] = r.Status.ToString().ToUpperInvariant(),
                            ["start_time"] = r.Start.ToUnixTimeMilliseconds(), ["end_time"] = r.End?.ToUnixTimeMilliseconds(),
                        },
                        ["data"] = new JsonObject
                        {
                            ["tags"] = new JsonArray([.. r.Tags.Select(t => (JsonNode)new JsonObject { ["key"] = t.Key, ["value"] = t.Value })]),
                            ["metrics"] = new JsonArray([.. r.Metrics.Select(m => (JsonNode)new JsonObject { ["key"] = m.Key, ["value"] = Value(m.Value) })]),
                        },
                    })]),
                });
            }
            case "metrics/get-history":
            {
                if (Query("max_results") == "") return Json(200, """{"metrics":[],"next_page_token":"again"}""");   // as some 3.x releases did
                var points = Wait(Store.GetMetricHistoryAsync(Query("run_id"), Query("metric_key"), default));
                return Json(200, new JsonObject
                {
                    ["metrics"] = new JsonArray([.. points.Select(p => (JsonNode)new JsonObject
                    {
                        ["key"] = p.Key, ["value"] = Value(p.Value), ["timestamp"] = p.Timestamp.ToUnixTimeMilliseconds(), ["step"] = p.Step,
                    })]),
                });
            }
            case "registered-models/create":
            {
                var name = (string)body["name"]!;
                if (_models.ContainsKey(name)) return Error(400, "RESOURCE_ALREADY_EXISTS", $"Registered Model (name={name}) already exists.");
                _models[name] = [];
                return Json(200, new JsonObject { ["registered_model"] = new JsonObject { ["name"] = name } });
            }
            case "model-versions/create":
            {
                var name = (string)body["name"]!;
                if (!_models.TryGetValue(name, out var versions)) return Error(404, "RESOURCE_DOES_NOT_EXIST", $"Registered Model with name={name} not found");
                var version = (versions.Count + 1).ToString(System.Globalization.CultureInfo.InvariantCulture);
                versions.Add((version, (string)body["source"]!, (string)body["run_id"]!));
                return Json(200, new JsonObject { ["model_version"] = new JsonObject { ["name"] = name, ["version"] = version } });
            }
            case "registered-models/alias" when request.Method == "GET":
                return _aliases.TryGetValue((Query("name"), Query("alias")), out var held)
                    ? Json(200, new JsonObject { ["model_version"] = new JsonObject { ["version"] = held } })
                    : Error(404, "RESOURCE_DOES_NOT_EXIST", "Registered model alias not found.");
            case "registered-models/alias":
                _aliases[((string)body["name"]!, (string)body["alias"]!)] = (string)body["version"]!;
                return Json(200, "{}");
            default:
                return Json(404, "<html>Not Found</html>");
        }
    }

    private string? ExperimentId(string name) => !Directory.Exists(Folder) ? null
        : Directory.GetDirectories(Folder).FirstOrDefault(d => File.Exists(Path.Combine(d, "meta.yaml")) && File.ReadAllText(Path.Combine(d, "meta.yaml")).Contains($"name: '{name}'")) is { } folder
            ? Path.GetFileName(folder) : null;

    private static JsonObject Info(string experiment, string run) => new()
    {
        ["run_id"] = run, ["experiment_id"] = experiment, ["artifact_uri"] = $"mlflow-artifacts:/{experiment}/{run}/artifacts",
    };

    private static JsonNode Value(double value) => double.IsFinite(value) ? JsonValue.Create(value) : JsonValue.Create(double.IsNaN(value) ? "NaN" : value > 0 ? "Infinity" : "-Infinity");

    private static double Number(JsonNode node) => node.GetValueKind() == System.Text.Json.JsonValueKind.String
        ? (string)node! switch { "NaN" => double.NaN, "Infinity" => double.PositiveInfinity, _ => double.NegativeInfinity }
        : (double)node;

    private static T Wait<T>(Task<T> task) => task.GetAwaiter().GetResult();

    private static void Wait(Task task) => task.GetAwaiter().GetResult();

    private static ResponseMessage Error(int status, string code, string message) =>
        Json(status, new JsonObject { ["error_code"] = code, ["message"] = message });

    private static ResponseMessage Json(int status, JsonNode body) => Json(status, body.ToJsonString());

    private static ResponseMessage Json(int status, string body) => new()
    {
        StatusCode = status,
        Headers = new Dictionary<string, WireMockList<string>> { ["Content-Type"] = new("application/json") },
        BodyData = new BodyData { BodyAsString = body, DetectedBodyType = BodyType.String },
    };

    [GeneratedRegex(@"^tags\.`([^`]+)` = '([^']*)'$")]
    private static partial Regex TagFilter();

    public void Dispose()
    {
        _server.Stop();
        _server.Dispose();
    }
}
