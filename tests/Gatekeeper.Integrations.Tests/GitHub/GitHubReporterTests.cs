using Gatekeeper.Integrations.GitHub;
using Microsoft.Extensions.Time.Testing;
using Octokit;

namespace Gatekeeper.Integrations.Tests.GitHub;

/// <summary>The reporter against a stand-in GitHub: one sticky comment, someone else's left alone, checks or statuses, retries and explained refusals.</summary>
public sealed class GitHubReporterTests : IDisposable
{
    private const string Marker = "<!-- gatekeeper:default -->";
    private readonly StandInGitHub _github = new();
    private readonly FakeTimeProvider _time = new(new DateTimeOffset(2026, 12, 1, 12, 0, 0, TimeSpan.Zero));

    public void Dispose() => _github.Dispose();

    private GitHubReporter Reporter(string? token = null) => GitHubReporter.Create(
        new ActionsContext("acme/models", "merge0001", "data/units", 7, "pull_request", "https://github.example", "https://github.example/acme/models/actions/runs/5")
        {
            HeadSha = "abc123", ApiUrl = _github.ApiUrl,
        },
        token ?? _github.Token, _time);

    /// <summary>Runs the call, moving fake time on until it finishes: waits GitHub asks for pass at once.</summary>
    private async Task<T> Run<T>(Func<Task<T>> call)
    {
        var task = call();
        for (int i = 0; i < 500 && !task.IsCompleted; i++)
        {
            await Task.Delay(10);
            _time.Advance(TimeSpan.FromSeconds(5));
        }
        return await task;
    }

    [Fact]
    public async Task TwoRuns_LeaveOneEditedComment_AndSomeoneElsesMarkerCommentIsLeftAlone()
    {
        _github.Comments.Add((1, 7, "mallory", $"{Marker}\nI copied the marker."));
        _github.Comments.Add((2, 7, "gatekeeper-bot", "An unrelated comment of the bot's, without the marker."));

        var first = await Run(() => Reporter().UpsertCommentAsync(7, Marker, $"{Marker}\nFAIL: first run", CancellationToken.None));
        var second = await Run(() => Reporter().UpsertCommentAsync(7, Marker, $"{Marker}\nPASS: second run", CancellationToken.None));

        Assert.True(first.Created);
        Assert.False(second.Created);
        Assert.Equal(first.Id, second.Id);
        var ours = Assert.Single(_github.Comments, c => c.Body.Contains(Marker, StringComparison.Ordinal) && c.Author == "gatekeeper-bot");
        Assert.EndsWith("PASS: second run", ours.Body);
        Assert.Equal($"{Marker}\nI copied the marker.", _github.Comments.Single(c => c.Author == "mallory").Body);
        Assert.Equal(3, _github.Comments.Count);
    }

    [Fact]
    public async Task ActionsOwnToken_CannotAskWhoItIs_AndStillFindsItsComment()
    {
        _github.ActsAsActionsToken = true;
        await Run(() => Reporter().UpsertCommentAsync(7, Marker, $"{Marker}\none", CancellationToken.None));
        await Run(() => Reporter().UpsertCommentAsync(7, Marker, $"{Marker}\ntwo", CancellationToken.None));

        var comment = Assert.Single(_github.Comments);
        Assert.Equal(("github-actions[bot]", $"{Marker}\ntwo"), (comment.Author, comment.Body));
    }

    [Fact]
    public async Task TheCheck_IsACheckRunOnTheHeadCommit_OrACommitStatusWhereChecksAreRefused()
    {
        var made = await Run(() => Reporter().PublishCheckAsync("gatekeeper/default", CheckConclusion.Failure, "FAIL: 7 of 9 checks failed", "## details", CancellationToken.None));
        Assert.StartsWith("check run https://github.example/checks/", made);
        var run = Assert.Single(_github.CheckRuns);
        Assert.Equal(("gatekeeper/default", "abc123", "completed", "failure"), ((string)run["name"]!, (string)run["head_sha"]!, (string)run["status"]!, (string)run["conclusion"]!));
        Assert.Equal("FAIL: 7 of 9 checks failed", (string)run["output"]!["title"]!);

        _github.ChecksForbidden = true;
        var status = await Run(() => Reporter().PublishCheckAsync("gatekeeper/default", CheckConclusion.Success, "PASS", "## details", CancellationToken.None));
        Assert.Contains("commit status", status);
        var (sha, body) = Assert.Single(_github.Statuses);
        Assert.Equal(("abc123", "success", "gatekeeper/default"), (sha, (string)body["state"]!, (string)body["context"]!));
    }

    [Fact]
    public async Task ServerErrorsAndASecondaryRateLimit_AreWaitedOut()
    {
        _github.Fault(502, """{"message":"Server Error"}""");
        _github.Fault(403, """{"message":"You have exceeded a secondary rate limit. Please wait a few minutes before you try again."}""", retryAfter: "30");

        var outcome = await Run(() => Reporter().UpsertCommentAsync(7, Marker, $"{Marker}\nbody", CancellationToken.None));

        Assert.True(outcome.Created);
        Assert.Equal("gatekeeper-bot", Assert.Single(_github.Comments).Author);
        Assert.Equal(5, _github.Calls);   // who am I: 502, then the rate limit, then answered; the comments read; the comment made
    }

    [Fact]
    public async Task ABadToken_IsExplained_AndNotRetried()
    {
        var error = await Assert.ThrowsAsync<InfrastructureException>(() => Run(() => Reporter("wrong").UpsertCommentAsync(7, Marker, "x", CancellationToken.None)));
        Assert.Contains("(401): set GITHUB_TOKEN", error.Message);
        Assert.Equal(1, _github.Calls);
    }

    [Fact]
    public async Task AMissingPullRequest_IsExplained()
    {
        _github.Fault(404, """{"message":"Not Found"}""", times: 2);   // who am I, then the comments
        var error = await Assert.ThrowsAsync<InfrastructureException>(() => Run(() => Reporter().UpsertCommentAsync(7, Marker, "x", CancellationToken.None)));
        Assert.Contains("(404)", error.Message);
    }

    [Fact]
    public async Task ABurstOf500s_PastTheRetries_IsReported()
    {
        _github.Fault(500, """{"message":"boom"}""", times: 5);
        var error = await Assert.ThrowsAsync<InfrastructureException>(() => Run(() => Reporter().UpsertCommentAsync(7, Marker, "x", CancellationToken.None)));
        Assert.Contains("GitHub answered 500", error.Message);
        Assert.Equal(5, _github.Calls);
    }
}
