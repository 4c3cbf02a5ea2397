using System.Text.Json.Nodes;
using System.Text.RegularExpressions;

namespace Gatekeeper.Integrations.GitHub;

/// <summary>
/// The GitHub Actions job a gate runs in, from the variables the runner sets and the event's
/// payload (<c>GITHUB_EVENT_PATH</c>): the repository, the commit, the branch, the pull request
/// (on <c>pull_request</c> events, or a <c>workflow_dispatch</c> input named <c>pull_request</c>)
/// and its head commit, what triggered the workflow, the API's address (<c>GITHUB_API_URL</c>, for
/// GitHub Enterprise) and the run's page. Null outside Actions.
/// </summary>
public sealed partial record ActionsContext(string Repository, string Commit, string Branch, int? PullRequest, string Trigger, string ServerUrl, string? RunUrl)
{
    /// <summary>The commit a check belongs on: a pull request's head, not the merge commit Actions checks out.</summary>
    public string HeadSha { get; init; } = Commit;

    public string ApiUrl { get; init; } = "https://api.github.com";

    public string Owner => Repository.Split('/')[0];

    public string Name => Repository.Split('/')[^1];

    /// <param name="environment">Reads an environment variable (null when unset).</param>
    /// <param name="readFile">Reads the event payload's file; default File.ReadAllText.</param>
    public static ActionsContext? From(Func<string, string?> environment, Func<string, string>? readFile = null)
    {
        string? Var(string name) => environment(name) is { Length: > 0 } value ? value : null;
        if (Var("GITHUB_ACTIONS") != "true" || Var("GITHUB_REPOSITORY") is not { } repository) return null;
        var server = Var("GITHUB_SERVER_URL") ?? "https://github.com";
        var commit = Var("GITHUB_SHA") ?? "";
        var trigger = Var("GITHUB_EVENT_NAME") ?? "";
        // refs/pull/42/merge on a pull_request event
        int? pull = Var("GITHUB_REF") is { } reference && PullRef().Match(reference) is { Success: true } m ? int.Parse(m.Groups[1].Value, System.Globalization.CultureInfo.InvariantCulture) : null;
        string head = commit;
        if (Var("GITHUB_EVENT_PATH") is { } eventPath)
        {
            JsonNode? payload;
            try
            {
                payload = JsonNode.Parse((readFile ?? File.ReadAllText)(eventPath));
            }
            catch (Exception e) when (e is IOException or System.Text.Json.JsonException or UnauthorizedAccessException)
            {
                throw new BadInputException(eventPath, null, $"the GitHub event payload (GITHUB_EVENT_PATH) does not read: {e.Message}");
            }
            if (payload?["pull_request"] is JsonObject pr)
            {
                pull = (int?)pr["number"] ?? pull;
                head = (string?)pr["head"]?["sha"] ?? head;
            }
            else if (trigger == "workflow_dispatch" && payload?["inputs"]?["pull_request"] is { } input
                && int.TryParse(input.ToString(), System.Globalization.NumberStyles.Integer, System.Globalization.CultureInfo.InvariantCulture, out var dispatched))
            {
                pull = dispatched;
            }
        }
        return new ActionsContext(repository, commit, Var("GITHUB_HEAD_REF") ?? Var("GITHUB_REF_NAME") ?? "", pull, trigger, server,
            Var("GITHUB_RUN_ID") is { } run ? $"{server}/{repository}/actions/runs/{run}" : null)
        {
            HeadSha = head,
            ApiUrl = Var("GITHUB_API_URL") ?? "https://api.github.com",
        };
    }

    /// <summary>The tags MLflow shows for a run's source, and Gatekeeper's own for searching runs by PR and trigger.</summary>
    public IReadOnlyDictionary<string, string> Tags()
    {
        var tags = new Dictionary<string, string>
        {
            ["mlflow.source.type"] = "JOB",
            ["mlflow.source.git.commit"] = Commit,
            ["mlflow.source.git.branch"] = Branch,
            ["mlflow.source.git.repoURL"] = $"{ServerUrl}/{Repository}",
            ["gatekeeper.trigger"] = Trigger,
        };
        if (PullRequest is { } pull) tags["gatekeeper.pr"] = pull.ToString(System.Globalization.CultureInfo.InvariantCulture);
        if (RunUrl is { } url) tags["gatekeeper.ci_run"] = url;
        return tags;
    }

    [GeneratedRegex(@"^refs/pull/(\d+)/")]
    private static partial Regex PullRef();
}
