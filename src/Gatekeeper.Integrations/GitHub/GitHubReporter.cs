using Octokit;
using Polly;

namespace Gatekeeper.Integrations.GitHub;

/// <summary>Where the sticky comment went: created or edited, and its address.</summary>
public sealed record CommentOutcome(bool Created, long Id, string? Url);

/// <summary>
/// A gate's verdict on GitHub through Octokit: exactly one comment per gate per pull request
/// (found by its hidden marker among the token's own comments and edited in place; a comment by
/// anyone else is never touched, marker or not), and a check run on the head commit (a commit
/// status where the token may not create checks). Every call goes through the GitHub resilience
/// pipeline; a failure is explained (<see cref="GitHubResilience.Explain"/>) as an
/// <see cref="InfrastructureException"/>.
/// </summary>
public sealed class GitHubReporter
{
    /// <summary>The login GitHub Actions' own token comments as; that token may not ask who it is.</summary>
    public const string ActionsBot = "github-actions[bot]";

    private readonly IGitHubClient _client;
    private readonly ActionsContext _job;
    private readonly ResiliencePipeline _pipeline;

    public GitHubReporter(IGitHubClient client, ActionsContext job, ResiliencePipeline pipeline)
    {
        (_client, _job, _pipeline) = (client, job, pipeline);
    }

    /// <summary>A reporter for the job's repository with <paramref name="token"/>, at <see cref="ActionsContext.ApiUrl"/> (GitHub Enterprise's <c>/api/v3</c> included).</summary>
    public static GitHubReporter Create(ActionsContext job, string token, TimeProvider time, GitHubResilience.Options? options = null, string version = "1.0")
    {
        var client = new GitHubClient(new ProductHeaderValue("gatekeeper", version), new Uri(job.ApiUrl)) { Credentials = new Credentials(token) };
        return new GitHubReporter(client, job, GitHubResilience.Pipeline(time, options));
    }

    /// <summary>Creates the gate's comment on the pull request, or edits the one the token left before.</summary>
    public async Task<CommentOutcome> UpsertCommentAsync(int pullRequest, string marker, string body, CancellationToken cancellation)
    {
        var me = await WhoAmIAsync(cancellation);
        var comments = await Call(() => _client.Issue.Comment.GetAllForIssue(_job.Owner, _job.Name, pullRequest), $"reading the comments of pull request #{pullRequest}", cancellation);
        var mine = comments.FirstOrDefault(c => c.Body?.Contains(marker, StringComparison.Ordinal) == true && c.User?.Login is { } login
            && login.Equals(me, StringComparison.OrdinalIgnoreCase));
        if (mine is not null)
        {
            var edited = await Call(() => _client.Issue.Comment.Update(_job.Owner, _job.Name, mine.Id, body), $"editing comment {mine.Id}", cancellation);
            return new CommentOutcome(false, edited.Id, edited.HtmlUrl);
        }
        var created = await Call(() => _client.Issue.Comment.Create(_job.Owner, _job.Name, pullRequest, body), $"commenting on pull request #{pullRequest}", cancellation);
        return new CommentOutcome(true, created.Id, created.HtmlUrl);
    }

    /// <summary>
    /// The verdict on the head commit: a completed check run named <paramref name="name"/>, or, when
    /// the token may not create checks (403), a commit status of that context. Says which it made.
    /// </summary>
    public async Task<string> PublishCheckAsync(string name, CheckConclusion conclusion, string title, string summary, CancellationToken cancellation)
    {
        try
        {
            var run = new NewCheckRun(name, _job.HeadSha)
            {
                Status = CheckStatus.Completed, Conclusion = conclusion, CompletedAt = DateTimeOffset.UtcNow,
                Output = new NewCheckRunOutput(Cut(title, 255), Cut(summary, 65_535)),
            };
            var made = await _pipeline.ExecuteAsync(async _ => await _client.Check.Run.Create(_job.Owner, _job.Name, run), cancellation);
            return $"check run {made.HtmlUrl ?? made.Id.ToString(System.Globalization.CultureInfo.InvariantCulture)}";
        }
        catch (ForbiddenException e) when (e is not SecondaryRateLimitExceededException and not RateLimitExceededException)
        {
            var state = conclusion == CheckConclusion.Success ? CommitState.Success : conclusion == CheckConclusion.Neutral ? CommitState.Success : CommitState.Failure;
            await Call(() => _client.Repository.Status.Create(_job.Owner, _job.Name, _job.HeadSha,
                new NewCommitStatus { State = state, Context = name, Description = Cut(title, 140), TargetUrl = _job.RunUrl }), $"setting the commit status of {_job.HeadSha}", cancellation);
            return $"commit status '{name}' (the token may not create check runs)";
        }
        catch (Exception e) when (e is ApiException or HttpRequestException)
        {
            throw new InfrastructureException(GitHubResilience.Explain(e, $"creating the check run on {_job.HeadSha}"), e);
        }
    }

    /// <summary>The token's login; Actions' own token may not ask (403), and comments as <see cref="ActionsBot"/>.</summary>
    private async Task<string> WhoAmIAsync(CancellationToken cancellation)
    {
        try
        {
            return (await _pipeline.ExecuteAsync(async _ => await _client.User.Current(), cancellation)).Login;
        }
        catch (ForbiddenException e) when (e is not SecondaryRateLimitExceededException and not RateLimitExceededException)
        {
            return ActionsBot;
        }
        catch (Exception e) when (e is ApiException or HttpRequestException)
        {
            throw new InfrastructureException(GitHubResilience.Explain(e, "finding who the token is"), e);
        }
    }

    private async Task<T> Call<T>(Func<Task<T>> call, string what, CancellationToken cancellation)
    {
        try
        {
            return await _pipeline.ExecuteAsync(async _ => await call(), cancellation);
        }
        catch (Exception e) when (e is ApiException or HttpRequestException)
        {
            throw new InfrastructureException(GitHubResilience.Explain(e, what), e);
        }
    }

    private static string Cut(string text, int limit) => text.Length <= limit ? text : text[..(limit - 1)] + "…";
}
