using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using WireMock;
using WireMock.RequestBuilders;
using WireMock.ResponseBuilders;
using WireMock.Server;
using WireMock.Types;
using WireMock.Util;

namespace Gatekeeper.Integrations.Tests.GitHub;

/// <summary>
/// An in-process stand-in for GitHub's REST API under <c>/api/v3</c> (where GitHub Enterprise
/// serves it, and where Octokit sends a client given any host but github.com): issue comments,
/// the token's user, check runs and commit statuses, kept in memory. It can refuse what a
/// GITHUB_TOKEN may not do (ask who it is, create checks) and answer calls with faults first.
/// </summary>
public sealed partial class StandInGitHub : IDisposable
{
    private readonly WireMockServer _server = WireMockServer.Start();
    private readonly object _lock = new();
    private readonly Queue<(int Status, string Body, string? RetryAfter)> _faults = new();
    private long _next = 1000;

    public StandInGitHub(string login = "gatekeeper-bot", string token = "secret-token")
    {
        (Login, Token) = (login, token);
        _server.Given(Request.Create().WithPath(new WireMock.Matchers.RegexMatcher("^/api/v3/.*"))).RespondWith(Response.Create().WithCallback(Answer));
    }

    public string ApiUrl => $"{_server.Urls[0]}/api/v3";

    public string Login { get; }

    public string Token { get; }

    /// <summary>As GitHub Actions' token: GET /user is refused, and comments are by github-actions[bot].</summary>
    public bool ActsAsActionsToken { get; set; }

    /// <summary>Check runs refused (403), as for a token without checks: write.</summary>
    public bool ChecksForbidden { get; set; }

    public List<(long Id, int Issue, string Author, string Body)> Comments { get; } = [];

    public List<JsonNode> CheckRuns { get; } = [];

    public List<(string Sha, JsonNode Body)> Statuses { get; } = [];

    public int Calls;

    /// <summary>The next calls are answered with this, in turn, before any is served.</summary>
    public void Fault(int status, string body, string? retryAfter = null, int times = 1)
    {
        lock (_lock) for (int i = 0; i < times; i++) _faults.Enqueue((status, body, retryAfter));
    }

    private string Author => ActsAsActionsToken ? "github-actions[bot]" : Login;

    private ResponseMessage Answer(IRequestMessage request)
    {
        Interlocked.Increment(ref Calls);
        lock (_lock)
        {
            if (_faults.TryDequeue(out var fault)) return Json(fault.Status, fault.Body, fault.RetryAfter);
            var authorization = request.Headers?.TryGetValue("Authorization", out var values) == true ? values[0] : "";
            if (!authorization.EndsWith(" " + Token, StringComparison.Ordinal))
                return Json(401, """{"message":"Bad credentials","documentation_url":"https://docs.github.com/rest"}""");
            var path = request.Path["/api/v3".Length..];
            var body = request.Body is { Length: > 0 } text ? JsonNode.Parse(text)! : new JsonObject();
            if (path == "/user" && request.Method == "GET")
                return ActsAsActionsToken ? Json(403, """{"message":"Resource not accessible by integration"}""") : Json(200, new JsonObject { ["login"] = Login, ["id"] = 1 });
            if (IssueComments().Match(path) is { Success: true } issue)
            {
                int number = int.Parse(issue.Groups[1].Value);
                if (request.Method == "GET")
                    return Json(200, new JsonArray([.. Comments.Where(c => c.Issue == number).Select(c => (JsonNode)Comment(c))]));
                var made = (Interlocked.Increment(ref _next), number, Author, (string)body["body"]!);
                Comments.Add(made);
                return Json(201, Comment(made));
            }
            if (OneComment().Match(path) is { Success: true } one && request.Method == "PATCH")
            {
                long id = long.Parse(one.Groups[1].Value);
                int at = Comments.FindIndex(c => c.Id == id);
                if (at < 0) return Json(404, """{"message":"Not Found"}""");
                Comments[at] = Comments[at] with { Body = (string)body["body"]! };
                return Json(200, Comment(Comments[at]));
            }
            if (path.EndsWith("/check-runs", StringComparison.Ordinal) && request.Method == "POST")
            {
                if (ChecksForbidden) return Json(403, """{"message":"Resource not accessible by integration"}""");
                CheckRuns.Add(body);
                return Json(201, new JsonObject { ["id"] = Interlocked.Increment(ref _next), ["html_url"] = $"https://github.example/checks/{_next}", ["name"] = body["name"]?.DeepClone() });
            }
            if (Statuses_().Match(path) is { Success: true } status && request.Method == "POST")
            {
                Statuses.Add((status.Groups[1].Value, body));
                return Json(201, new JsonObject { ["id"] = Interlocked.Increment(ref _next), ["state"] = body["state"]?.DeepClone() });
            }
            return Json(404, """{"message":"Not Found"}""");
        }
    }

    private static JsonObject Comment((long Id, int Issue, string Author, string Body) c) => new()
    {
        ["id"] = c.Id, ["body"] = c.Body, ["user"] = new JsonObject { ["login"] = c.Author }, ["html_url"] = $"https://github.example/comments/{c.Id}",
    };

    private static ResponseMessage Json(int status, JsonNode body) => Json(status, body.ToJsonString(), null);

    private static ResponseMessage Json(int status, string body, string? retryAfter)
    {
        var headers = new Dictionary<string, WireMockList<string>> { ["Content-Type"] = new("application/json; charset=utf-8") };
        if (retryAfter is not null) headers["Retry-After"] = new(retryAfter);
        return new ResponseMessage { StatusCode = status, Headers = headers, BodyData = new BodyData { BodyAsString = body, DetectedBodyType = BodyType.String } };
    }

    [GeneratedRegex(@"^/repos/[^/]+/[^/]+/issues/(\d+)/comments$")]
    private static partial Regex IssueComments();

    [GeneratedRegex(@"^/repos/[^/]+/[^/]+/issues/comments/(\d+)$")]
    private static partial Regex OneComment();

    [GeneratedRegex(@"^/repos/[^/]+/[^/]+/statuses/([0-9a-f]+)$")]
    private static partial Regex Statuses_();

    public void Dispose()
    {
        _server.Stop();
        _server.Dispose();
    }
}
