using Gatekeeper.Reporting;
using Gatekeeper.Specs;
using Gatekeeper.Verdicts;

namespace Gatekeeper.Pipeline;

/// <summary>Where a passing candidate can be registered: a model registry that keeps the versions and aliases.</summary>
public interface IModelRegistry
{
    /// <summary>Registers this gate's candidate as a new version of the model and moves the alias to it; throws <see cref="InfrastructureException"/> when it cannot.</summary>
    PromotionInfo Promote(PromoteSpec promote);
}

/// <summary>
/// Registry promotion, opt-in in the spec (<c>promote:</c>): a candidate that passes becomes a new
/// version of the registered model and the alias moves to it; a candidate that fails or is
/// inconclusive is never promoted. What happened goes into the report; a promotion that cannot be
/// made is said there and never changes the verdict.
/// </summary>
public static class PromoteStage
{
    public static PromotionInfo Run(PromoteSpec promote, Verdict verdict, IModelRegistry? registry, IGateObserver observer)
    {
        PromotionInfo NotPromoted(string why) => new(promote.Model, promote.Alias, null, null, why);
        if (verdict.Outcome != GateOutcome.Pass)
            return NotPromoted($"the verdict is {verdict.Outcome.ToString().ToLowerInvariant()}, and only a candidate that passes is promoted");
        if (registry is null) return NotPromoted("no model registry is recorded to");
        observer.Stage($"Promoting the candidate: a new version of {promote.Model}, alias '{promote.Alias}'.");
        try
        {
            return registry.Promote(promote);
        }
        catch (InfrastructureException e)
        {
            observer.Stage($"Warning: the candidate was not promoted; the verdict stands. {e.Message}");
            return NotPromoted(e.Message);
        }
    }
}
