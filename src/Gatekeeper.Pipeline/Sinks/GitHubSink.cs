using Gatekeeper.Integrations.GitHub;
using Gatekeeper.Reporting;
using Gatekeeper.Verdicts;
using Octokit;

namespace Gatekeeper.Pipeline.Sinks;

/// <summary>What the GitHub sink needs: the job, its token (none: only the job summary), the summary file, and how calls are retried.</summary>
public sealed record GitHubSettings(ActionsContext Job, string? Token, string? StepSummary)
{
    public GitHubResilience.Options Retries { get; init; } = new();

    /// <summary>The settings of the Actions job this process runs in (GITHUB_TOKEN, GITHUB_STEP_SUMMARY); null outside Actions.</summary>
    public static GitHubSettings? FromEnvironment(Func<string, string?> environment) =>
        ActionsContext.From(environment) is { } job
            ? new GitHubSettings(job, environment("GITHUB_TOKEN") is { Length: > 0 } token ? token : null, environment("GITHUB_STEP_SUMMARY") is { Length: > 0 } path ? path : null)
            : null;
}

/// <summary>
/// The gate on GitHub, in an Actions job: the job summary (<c>GITHUB_STEP_SUMMARY</c>), one sticky
/// comment on the pull request (edited by every later run of the gate), and a check run (or commit
/// status) with the verdict on the head commit, each rendered from the report model through the
/// gate's templates. A part that fails does not stop the others; the sink then fails, which is
/// reported and never changes the verdict or the exit code.
/// </summary>
public sealed class GitHubSink(GitHubSettings settings) : IGateSink
{
    public string Name => "github";

    public void Publish(GateResult result) =>
        GitHubPublication.Publish(result.Report, new ReportTemplates(result.Spec.Templates), settings, dryRun: null).GetAwaiter().GetResult();
}

/// <summary>What the GitHub sink and <c>gatekeeper comment</c> publish, and how.</summary>
public static class GitHubPublication
{
    /// <summary>The check's name: one check per gate.</summary>
    public static string CheckName(ReportModel report) => $"gatekeeper/{report.GateName}";

    public static CheckConclusion Conclusion(Verdict verdict) => verdict.ExitCode != ExitCodes.Pass ? CheckConclusion.Failure
        : verdict.Outcome == GateOutcome.Pass ? CheckConclusion.Success : CheckConclusion.Neutral;

    /// <summary>
    /// Writes the summary, comments and checks; with <paramref name="dryRun"/>, tells it what would be
    /// posted instead of posting. Returns what was done, line by line; throws when any part failed.
    /// </summary>
    public static async Task<IReadOnlyList<string>> Publish(ReportModel report, ReportTemplates templates, GitHubSettings settings, Action<string, string>? dryRun,
        CancellationToken cancellation = default)
    {
        var job = settings.Job;
        var comment = ReportRenderer.Render(report, ReportKind.Comment, templates, job.RunUrl);
        var summary = ReportRenderer.Render(report, ReportKind.Summary, templates, job.RunUrl);
        var (done, failed) = (new List<string>(), new List<string>());
        if (dryRun is not null)
        {
            dryRun(job.PullRequest is { } pr ? $"comment on {job.Repository}#{pr}" : $"comment (no pull request in this {job.Trigger} run: none would be posted)", comment);
            dryRun($"check run {CheckName(report)} ({Conclusion(report.Verdict).ToString().ToLowerInvariant()}) on {job.HeadSha}", summary);
            return done;
        }
        if (settings.StepSummary is { } path)
        {
            try
            {
                File.AppendAllText(path, summary + "\n");
                done.Add($"job summary written to {path}");
            }
            catch (Exception e) when (e is IOException or UnauthorizedAccessException)
            {
                failed.Add($"the job summary {path} could not be written: {e.Message}");
            }
        }
        if (settings.Token is not { } token)
        {
            if (job.PullRequest is not null) failed.Add("no GITHUB_TOKEN: the pull request gets no comment and the commit no check; give the step env: GITHUB_TOKEN: ${{ secrets.GITHUB_TOKEN }}.");
        }
        else
        {
            var reporter = GitHubReporter.Create(job, token, TimeProvider.System, settings.Retries);
            if (job.PullRequest is { } pull)
            {
                try
                {
                    var outcome = await reporter.UpsertCommentAsync(pull, ReportRenderer.Marker(report.GateName), comment, cancellation);
                    done.Add($"{(outcome.Created ? "commented on" : "edited its comment on")} {job.Repository}#{pull}: {outcome.Url}");
                }
                catch (InfrastructureException e)
                {
                    failed.Add(e.Message);
                }
            }
            try
            {
                done.Add(await reporter.PublishCheckAsync(CheckName(report), Conclusion(report.Verdict), report.Verdict.Headline, summary, cancellation));
            }
            catch (InfrastructureException e)
            {
                failed.Add(e.Message);
            }
        }
        if (failed.Count > 0) throw new InfrastructureException(string.Join(" ", failed) + (done.Count > 0 ? $" (done: {string.Join("; ", done)})" : ""));
        return done;
    }
}
