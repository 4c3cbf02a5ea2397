using Gatekeeper.Specs;

namespace Gatekeeper.Verdicts;

/// <summary>The gate's decision with every check's numbers and reasons, and what it means for the build.</summary>
public sealed record Verdict(
    GateOutcome Outcome,
    IReadOnlyList<CheckResult> Checks,
    IReadOnlyList<string> Warnings,
    ForgettingSummary Forgetting,
    InconclusiveMeans InconclusiveMeans,
    double Confidence)
{
    /// <summary>
    /// The candidate has the base's content hash: a null change. Every check compares the model with
    /// itself, and a gain required of the target does not apply.
    /// </summary>
    public bool CandidateIsBase { get; init; }

    /// <summary>The process exit code: 0 pass, 1 fail; inconclusive as the policy says.</summary>
    public int ExitCode => Outcome switch
    {
        GateOutcome.Pass => ExitCodes.Pass,
        GateOutcome.Fail => ExitCodes.GateFailed,
        _ => InconclusiveMeans == Specs.InconclusiveMeans.Fail ? ExitCodes.GateFailed : ExitCodes.Pass,
    };

    /// <summary>One line for a status check or a log: "FAIL: 3 of 7 checks failed".</summary>
    public string Headline
    {
        get
        {
            int failed = Checks.Count(c => c.Outcome == CheckOutcome.Fail);
            int inconclusive = Checks.Count(c => c.Outcome == CheckOutcome.Inconclusive);
            int notApplicable = Checks.Count(c => c.Outcome == CheckOutcome.NotApplicable);
            return Outcome switch
            {
                GateOutcome.Pass when CandidateIsBase =>
                    $"PASS: no change, the candidate is the base; {Checks.Count - notApplicable} checks passed" + (notApplicable > 0 ? $", {notApplicable} not applicable" : ""),
                GateOutcome.Pass => $"PASS: all {Checks.Count} checks passed",
                GateOutcome.Fail => $"FAIL: {failed} of {Checks.Count} checks failed" + (inconclusive > 0 ? $", {inconclusive} inconclusive" : ""),
                _ => $"INCONCLUSIVE: {inconclusive} of {Checks.Count} checks could not be decided ({InconclusiveMeans.ToString().ToLowerInvariant()} by policy)",
            };
        }
    }
}
