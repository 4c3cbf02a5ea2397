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
        GitHubPublication.Publish(result.Report, new ReportTemplates(result.Spec.Templates), settings).GetAwaiter().GetResult();
}

/// <summary>What the GitHub sink and <c>gatekeeper comment</c> publish, and how.</summary>
public static class GitHubPublication
{
    /// <summary>The check's name: one check per gate.</summary>
    public static string CheckName(ReportModel report) => $"gatekeeper/{report.GateName}";

    public static CheckConclusion Conclusion(Verdict verdict) => verdict.ExitCode != ExitCodes.Pass ? CheckConclusion.Failure
        : verdict.Outcome == GateOutcome.Pass ? CheckConclusion.Success : CheckConclusion.Neutral;

    /// <summary>
    /// Tells <paramref name="write"/> what would be posted (what, and the text): the comment and the
    /// check's summary, for <paramref name="job"/>, or as they would read outside Actions (null).
    /// </summary>
    public static void DryRun(ReportModel report, ReportTemplates templates, ActionsContext? job, Action<string, string> write)
    {
        var (comment, summary) = Renderings(report, templates, job);
        var where = job is null ? "outside GitHub Actions: nothing would be posted"
            : job.PullRequest is { } pr ? $"on {job.Repository}#{pr}" : $"no pull request in this {job.Trigger} run: none would be posted";
        write($"comment ({where})", comment);
        write($"check run {CheckName(report)} ({Conclusion(report.Verdict).ToString().ToLowerInvariant()})" + (job is null ? "" : $" on {job.HeadSha}"), summary);
    }

    /// <summary>Writes the summary, comments and checks. Returns what was done, line by line; throws when any part failed.</summary>
    public static async Task<IReadOnlyList<string>> Publish(ReportModel report, ReportTemplates templates, GitHubSettings settings, CancellationToken cancellation = default)
    {
        var job = settings.Job;
        var (comment, summary) = Renderings(report, templates, job);
        var (done, failed) = (new List<string>(), new List<string>());
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

    /// <summary>The comment and the summary, pointing at the job's page when there is a job.</summary>
    private static (string Comment, string Summary) Renderings(ReportModel report, ReportTemplates templates, ActionsContext? job) =>
        (ReportRenderer.Render(report, ReportKind.Comment, templates, job?.RunUrl), ReportRenderer.Render(report, ReportKind.Summary, templates, job?.RunUrl));
}
