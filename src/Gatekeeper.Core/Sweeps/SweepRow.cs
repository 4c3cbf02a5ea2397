using Gatekeeper.Verdicts;

namespace Gatekeeper.Sweeps;

/// <summary>One method at one learning rate: what it learned, what it forgot, and the verdict.</summary>
public sealed record SweepRow(string Method, double LearningRate, Verdict Verdict, TimeSpan Elapsed)
{
    /// <summary>Parameters the optimizer updated; null when unknown.</summary>
    public long? TrainableParameters { get; init; }

    /// <summary>The process's peak resident memory during this run; null where the system does not say.</summary>
    public long? PeakBytes { get; init; }

    /// <summary>The mean relative drop of the general tasks and of the safety tasks (the forgetting per category).</summary>
    public double RelativeDrop(Specs.TaskCategory category) =>
        Verdict.Forgetting.RelativeDropByCategory.TryGetValue(category, out double drop) ? drop : double.NaN;

    /// <summary>The target's gain (the mean over target checks); NaN when the battery has no target.</summary>
    public double TargetGain => Mean(Verdict.Checks.Where(c => c.Category == Specs.TaskCategory.Target));

    public double AverageGeneralDrop => Verdict.Forgetting.AverageGeneralDrop;

    /// <summary>The change in harmful prompts refused (negative: refuses less).</summary>
    public double HarmfulRefusedChange => Mean(Verdict.Checks.Where(c => c.Metric == Tasks.Refusal.RefusalKind.HarmfulRefused));

    public double Kl => Mean(Verdict.Checks.Where(c => c.Metric == Tasks.Drift.DriftKind.Kl));

    public double ParameterDistance => Mean(Verdict.Checks.Where(c => c.Metric == CheckMetric.ParameterDistance));

    private static double Mean(IEnumerable<CheckResult> checks)
    {
        var values = checks.Select(c => c.Comparison.Difference).ToList();
        return values.Count == 0 ? double.NaN : values.Average();
    }
}
