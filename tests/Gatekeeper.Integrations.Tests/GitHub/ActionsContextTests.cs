using Gatekeeper.Integrations.GitHub;

namespace Gatekeeper.Integrations.Tests.GitHub;

public sealed class ActionsContextTests
{
    private static Func<string, string?> Environment(Dictionary<string, string> variables) => name => variables.GetValueOrDefault(name);

    [Fact]
    public void APullRequestJob_IsTaggedWithItsCommitBranchPrAndTrigger()
    {
        var context = ActionsContext.From(Environment(new()
        {
            ["GITHUB_ACTIONS"] = "true", ["GITHUB_REPOSITORY"] = "acme/models", ["GITHUB_SHA"] = "0123abc", ["GITHUB_REF"] = "refs/pull/42/merge",
            ["GITHUB_HEAD_REF"] = "data/new-units", ["GITHUB_REF_NAME"] = "42/merge", ["GITHUB_EVENT_NAME"] = "pull_request", ["GITHUB_RUN_ID"] = "99",
        }))!;

        var tags = context.Tags();

        Assert.Equal(42, context.PullRequest);
        Assert.Equal("JOB", tags["mlflow.source.type"]);
        Assert.Equal("0123abc", tags["mlflow.source.git.commit"]);
        Assert.Equal("data/new-units", tags["mlflow.source.git.branch"]);
        Assert.Equal("https://github.com/acme/models", tags["mlflow.source.git.repoURL"]);
        Assert.Equal("42", tags["gatekeeper.pr"]);
        Assert.Equal("pull_request", tags["gatekeeper.trigger"]);
        Assert.Equal("https://github.com/acme/models/actions/runs/99", tags["gatekeeper.ci_run"]);
    }

    [Fact]
    public void ANightlyJob_HasNoPr_AndOutsideActionsThereIsNoContext()
    {
        var nightly = ActionsContext.From(Environment(new()
        {
            ["GITHUB_ACTIONS"] = "true", ["GITHUB_REPOSITORY"] = "acme/models", ["GITHUB_REF"] = "refs/heads/main", ["GITHUB_REF_NAME"] = "main", ["GITHUB_EVENT_NAME"] = "schedule",
        }))!;
        Assert.Null(nightly.PullRequest);
        Assert.False(nightly.Tags().ContainsKey("gatekeeper.pr"));
        Assert.Equal("main", nightly.Tags()["mlflow.source.git.branch"]);

        Assert.Null(ActionsContext.From(Environment(new() { ["GITHUB_REPOSITORY"] = "acme/models" })));
    }
}
