namespace Gatekeeper.Verdicts;

/// <summary>Where a check's confidence interval lies relative to its margin.</summary>
public enum CheckOutcome
{
    /// <summary>The whole interval is on the good side of the margin.</summary>
    Pass,

    /// <summary>The whole interval is on the bad side of the margin.</summary>
    Fail,

    /// <summary>The interval straddles the margin: the data cannot tell.</summary>
    Inconclusive,

    /// <summary>
    /// The rule does not apply: a gain required of a fine-tune, asked of a candidate that is the
    /// base itself. It neither passes nor fails the gate.
    /// </summary>
    NotApplicable,
}

/// <summary>A check's outcome as records and reports write it: pass, fail, inconclusive, not_applicable.</summary>
public static class CheckOutcomeNames
{
    public static string Name(this CheckOutcome outcome) => outcome switch
    {
        CheckOutcome.Pass => "pass",
        CheckOutcome.Fail => "fail",
        CheckOutcome.Inconclusive => "inconclusive",
        _ => "not_applicable",
    };
}
