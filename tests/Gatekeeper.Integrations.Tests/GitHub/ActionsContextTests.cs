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

    [Fact]
    public void TheEventPayload_GivesThePullRequestsHeadCommit_AndADispatchItsInput_AndEnterpriseItsApi()
    {
        var variables = new Dictionary<string, string>
        {
            ["GITHUB_ACTIONS"] = "true", ["GITHUB_REPOSITORY"] = "acme/models", ["GITHUB_SHA"] = "merge0001", ["GITHUB_EVENT_NAME"] = "pull_request",
            ["GITHUB_EVENT_PATH"] = "/event.json", ["GITHUB_API_URL"] = "https://ghe.acme.example/api/v3",
        };
        var pr = ActionsContext.From(Environment(variables), _ => """{"pull_request":{"number":42,"head":{"sha":"head0002"}}}""")!;
        Assert.Equal((42, "head0002", "merge0001", "https://ghe.acme.example/api/v3"), (pr.PullRequest!.Value, pr.HeadSha, pr.Commit, pr.ApiUrl));

        variables["GITHUB_EVENT_NAME"] = "workflow_dispatch";
        var dispatched = ActionsContext.From(Environment(variables), _ => """{"inputs":{"pull_request":"17"}}""")!;
        Assert.Equal((17, "merge0001"), (dispatched.PullRequest!.Value, dispatched.HeadSha));

        variables["GITHUB_EVENT_NAME"] = "schedule";
        Assert.Null(ActionsContext.From(Environment(variables), _ => """{"schedule":"0 3 * * *"}""")!.PullRequest);

        var broken = Assert.Throws<BadInputException>(() => ActionsContext.From(Environment(variables), _ => "{not json"));
        Assert.Contains("/event.json: the GitHub event payload (GITHUB_EVENT_PATH) does not read", broken.Problems[0].ToString());
    }
}
