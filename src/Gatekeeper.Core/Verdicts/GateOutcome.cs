namespace Gatekeeper.Verdicts;

/// <summary>The gate's overall answer.</summary>
public enum GateOutcome
{
    Pass,
    Fail,
    Inconclusive,
}
