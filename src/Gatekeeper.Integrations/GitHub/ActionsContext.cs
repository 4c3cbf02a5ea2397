using System.Text.RegularExpressions;

namespace Gatekeeper.Integrations.GitHub;

/// <summary>
/// The GitHub Actions job a gate runs in, from the variables the runner sets: the commit, the
/// branch, the pull request, what triggered the workflow and the run's page. Null outside Actions.
/// </summary>
public sealed partial record ActionsContext(string Repository, string Commit, string Branch, int? PullRequest, string Trigger, string ServerUrl, string? RunUrl)
{
    public static ActionsContext? From(Func<string, string?> environment)
    {
        string? Var(string name) => environment(name) is { Length: > 0 } value ? value : null;
        if (Var("GITHUB_ACTIONS") != "true" || Var("GITHUB_REPOSITORY") is not { } repository) return null;
        var server = Var("GITHUB_SERVER_URL") ?? "https://github.com";
        // refs/pull/42/merge on a pull_request event
        int? pull = Var("GITHUB_REF") is { } reference && PullRef().Match(reference) is { Success: true } m ? int.Parse(m.Groups[1].Value, System.Globalization.CultureInfo.InvariantCulture) : null;
        return new ActionsContext(repository, Var("GITHUB_SHA") ?? "", Var("GITHUB_HEAD_REF") ?? Var("GITHUB_REF_NAME") ?? "", pull,
            Var("GITHUB_EVENT_NAME") ?? "", server, Var("GITHUB_RUN_ID") is { } run ? $"{server}/{repository}/actions/runs/{run}" : null);
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
