namespace Gatekeeper.Reporting;

/// <summary>
/// A gate's past runs, oldest first, as <c>gatekeeper history</c> shows them and the HTML report
/// plots them: each run's verdict and, for every check, its outcome and change with its interval.
/// </summary>
public sealed record GateHistory(string Gate, string Store, IReadOnlyList<HistoryRun> Runs)
{
    /// <summary>Every check any run had, in the order they first appear.</summary>
    public IReadOnlyList<string> Checks => [.. Runs.SelectMany(r => r.Checks.Keys).Distinct()];

    /// <summary>One check's change in each run that had it, oldest first.</summary>
    public IReadOnlyList<(HistoryRun Run, HistoryCheck Check)> Trend(string check) =>
        [.. Runs.Where(r => r.Checks.ContainsKey(check)).Select(r => (r, r.Checks[check]))];
}

/// <summary>One past gate run: when, on which commit and pull request, why, its verdict, and each check.</summary>
public sealed record HistoryRun(string RunId, DateTimeOffset Started, string Verdict, string? Commit, string? PullRequest, string? Trigger,
    IReadOnlyDictionary<string, HistoryCheck> Checks);

/// <summary>A check in one run: its outcome and the candidate's change from the base, with the interval's bounds.</summary>
public sealed record HistoryCheck(string Outcome, double? Change, double? Lower, double? Upper, double? Candidate);
