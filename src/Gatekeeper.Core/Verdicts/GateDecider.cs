using System.Globalization;
using Gatekeeper.Battery;
using Gatekeeper.Specs;
using Gatekeeper.Statistics;

namespace Gatekeeper.Verdicts;

/// <summary>
/// Turns paired outcomes into the verdict: one check per task (two for refusal tasks: harmful
/// refused, benign refused; a ceiling for drift tasks), each judged by its confidence interval
/// against the policy's margin, with Holm's correction across the gate's checks.
/// </summary>
public static class GateDecider
{
    public const string ParameterDistanceCheck = "general/parameter-distance";

    public static Verdict Decide(GateSpec gate, BatteryResult baseResult, BatteryResult candidateResult, double? parameterDistance = null,
        IReadOnlyList<BatteryResult>? history = null)
    {
        var policy = gate.Policy;
        double alpha = 1 - policy.Confidence;
        // A candidate with the base's content hash is the base: comparing it with itself is exact.
        bool candidateIsBase = baseResult.ModelSha256.Length > 0 && baseResult.ModelSha256 == candidateResult.ModelSha256;
        var drafts = new List<Draft>();
        var warnings = new List<string>();
        foreach (var task in gate.Battery)
        {
            var pairs = Pair(task.Name, baseResult.ForTask(task.Name), candidateResult.ForTask(task.Name));
            foreach (var check in task.Kind.Checks(task, policy))
            {
                var selected = pairs.Where(p => check.Metric.Includes(p.Base.Label)).ToList();
                if (selected.Count == 0) continue;   // e.g. a refusal task with no benign prompts
                var (name, metric, rule) = (check.Name, check.Metric, check.Rule);
                var measuredAt = Measure(check, selected, gate.Seed);
                if (!candidateIsBase && PolicyReview.Unreachable(check, Evidence(selected), policy.Confidence) is { } unreachable) warnings.Add(unreachable);
                var comparisonAt = measuredAt;
                // A floor is of the candidate's own level, which a null change keeps but does not make exact.
                if (candidateIsBase && !rule.OnLevel)
                {
                    if (Unchanged(measuredAt(policy.Confidence))) comparisonAt = confidence => measuredAt(confidence).AsIdentical();
                    else warnings.Add($"{name} scored differently although the candidate has the base's weights: evaluation is not deterministic here, so this check uses the sampled statistics.");
                }
                Interval At(double confidence) => comparisonAt(confidence).Interval;
                var comparison = comparisonAt(policy.Confidence);
                // Pass: the interval lies wholly on the good side of the limit (the limit itself is
                // allowed); fail: wholly on the bad side.
                double passP = IntervalInversion.PValue(At, rule.Limit, above: rule.HigherIsBetter, limitIncluded: true);
                double failP = IntervalInversion.PValue(At, rule.Limit, above: !rule.HigherIsBetter);
                // A required gain is asked of a fine-tune; a model that did not change has none to
                // show. (A "gain" of 0 or less is a margin a null change meets, so it is judged.)
                bool judged = !(candidateIsBase && rule.Kind == CheckRuleKind.Superiority && rule.Limit > 0);
                drafts.Add(new Draft(name, task.Name, task.Category, metric, rule, comparison, passP, failP, judged));
            }
        }
        if (policy.MaxParameterDistance is { } maxDistance && parameterDistance is { } distance)
        {
            // A single measured number, not a sample: it is within the ceiling or it is not.
            var comparison = new PairedComparison(1, 0, distance, distance, new Interval(distance, distance), distance == 0 ? 1 : 0, "relative L2 distance of the weights");
            bool within = distance <= maxDistance;
            drafts.Add(new Draft(ParameterDistanceCheck, "parameter-distance", TaskCategory.General, CheckMetric.ParameterDistance, CheckRule.MaxRise(maxDistance), comparison,
                within ? 0 : 1, within ? 1 : 0, Judged: true));
        }

        // Holm across the gate's judged checks, separately for the claims "fails" and "passes": noise
        // must not fail a build, and damage must not pass one, merely because many checks were made.
        var judgedDrafts = drafts.Where(d => d.Judged).ToList();
        var passAdjusted = Holm.Adjust(judgedDrafts.Select(d => d.PassP).ToList());
        var failAdjusted = Holm.Adjust(judgedDrafts.Select(d => d.FailP).ToList());
        var changeAdjusted = Holm.Adjust(judgedDrafts.Select(d => d.Comparison.PValue).ToList());
        var checks = drafts.Select(d =>
        {
            if (!d.Judged)
            {
                return new CheckResult
                {
                    Name = d.Name, Task = d.Task, Category = d.Category, Metric = d.Metric, Rule = d.Rule,
                    Comparison = d.Comparison, Outcome = CheckOutcome.NotApplicable, AdjustedPValue = 1, ChangePValue = 1,
                    Reason = Reasons.ForUnchangedModel(d.Name, d.Rule),
                };
            }
            int i = judgedDrafts.IndexOf(d);
            var outcome = failAdjusted[i] < alpha ? CheckOutcome.Fail : passAdjusted[i] < alpha ? CheckOutcome.Pass : CheckOutcome.Inconclusive;
            bool correctionDecided = outcome == CheckOutcome.Inconclusive && d.Rule.Judge(d.Comparison.Interval) != CheckOutcome.Inconclusive;
            return new CheckResult
            {
                Name = d.Name, Task = d.Task, Category = d.Category, Metric = d.Metric, Rule = d.Rule,
                Comparison = d.Comparison, Outcome = outcome,
                AdjustedPValue = outcome == CheckOutcome.Fail ? failAdjusted[i] : passAdjusted[i],
                ChangePValue = changeAdjusted[i],
                Reason = (d.Metric == CheckMetric.ParameterDistance ? Reasons.ForDistance(d.Comparison.CandidateScore, d.Rule.Limit) : Reasons.For(d.Name, d.Metric, d.Rule, d.Comparison, outcome, policy.Confidence))
                    + (correctionDecided ? $" The {Reasons.Level(policy.Confidence)}% interval alone would decide it, but not once corrected for {judgedDrafts.Count} checks (Holm)." : ""),
                MinimumDetectableEffect = Units(d.Comparison) < policy.MinItems && d.Metric != CheckMetric.ParameterDistance ? MinimumDetectableEffect(Units(d.Comparison), policy.Confidence) : null,
            };
        }).ToList();
        warnings.AddRange(checks.Where(c => c.MinimumDetectableEffect is not null)
            .Select(c => string.Create(CultureInfo.InvariantCulture,
                $"{c.Name} has only {(c.Comparison.Clusters is { } k ? $"{k} clusters of items" : $"{c.Comparison.N} items")} (policy minimum {policy.MinItems}); it can only detect changes of about {c.MinimumDetectableEffect:0.00} or more.")));

        GateOutcome gateOutcome = checks.Any(c => c.Outcome == CheckOutcome.Fail) ? GateOutcome.Fail
            : checks.Any(c => c.Outcome == CheckOutcome.Inconclusive) ? GateOutcome.Inconclusive
            : GateOutcome.Pass;
        if (gateOutcome == GateOutcome.Inconclusive && policy.Inconclusive == InconclusiveMeans.Warn)
            warnings.Add("Some checks are inconclusive; the policy lets the build pass with this warning.");
        var summary = Summarise(checks) with { BackwardTransfer = Backward(gate, candidateResult, history) };
        return new Verdict(gateOutcome, checks, warnings, summary, policy.Inconclusive, policy.Confidence) { CandidateIsBase = candidateIsBase };
    }

    /// <summary>No item changed: no discordant pair, or a continuous difference that is zero throughout.</summary>
    private static bool Unchanged(PairedComparison comparison) => comparison.Discordant is { } discordant
        ? discordant == (0, 0)
        : comparison.Difference == 0 && comparison.Interval == new Interval(0, 0);

    /// <summary>
    /// Each earlier step's accuracy on its own target when it was made, against the candidate's now.
    /// <paramref name="history"/> holds each step's outcomes on its target, in the spec's order.
    /// </summary>
    private static BackwardTransfer? Backward(GateSpec gate, BatteryResult candidate, IReadOnlyList<BatteryResult>? history)
    {
        if (gate.History.Count == 0 || history is null) return null;
        if (history.Count != gate.History.Count)
            throw new ArgumentException($"Backward transfer needs outcomes for each of the {gate.History.Count} history steps; got {history.Count}.");
        static double Accuracy(IReadOnlyList<ItemOutcome> outcomes) => outcomes.Count == 0 ? double.NaN : outcomes.Count(o => o.Correct) / (double)outcomes.Count;
        return new BackwardTransfer(gate.History.Select((step, i) => new BackwardTransferStep(
            step.Checkpoint, step.Target, Accuracy(history[i].ForTask(step.Target)), Accuracy(candidate.ForTask(step.Target)))).ToList());
    }

    public static string Category(TaskCategory category) => category.ToString().ToLowerInvariant();

    private sealed record Pair_(ItemOutcome Base, ItemOutcome Candidate)
    {
        /// <summary>The item's cluster; an item of a task without clusters is its own.</summary>
        public string Cluster => Base.Cluster ?? Base.ItemId;
    }

    /// <summary>The independent units of evidence a comparison rests on: its clusters when the task has them, else its items.</summary>
    private static int Units(PairedComparison comparison) => comparison.Clusters ?? comparison.N;

    /// <summary>How many independent units the pairs are, and whether they are clusters.</summary>
    private static (int Count, bool Clustered) Evidence(List<Pair_> pairs) =>
        pairs.Any(p => p.Base.Cluster is not null) ? (pairs.Select(p => p.Cluster).Distinct().Count(), true) : (pairs.Count, false);

    private sealed record Draft(string Name, string Task, TaskCategory Category, CheckMetric Metric, CheckRule Rule, PairedComparison Comparison, double PassP, double FailP, bool Judged);

    private static List<Pair_> Pair(string task, IReadOnlyList<ItemOutcome> baseOutcomes, IReadOnlyList<ItemOutcome> candidateOutcomes)
    {
        var candidates = candidateOutcomes.ToDictionary(o => o.ItemId);
        var missing = baseOutcomes.Where(o => !candidates.ContainsKey(o.ItemId)).Select(o => o.ItemId).ToList();
        if (missing.Count > 0 || baseOutcomes.Count != candidateOutcomes.Count)
        {
            throw new BadInputException(task, null,
                $"base and candidate were not evaluated on the same items ({baseOutcomes.Count} vs {candidateOutcomes.Count}; e.g. '{missing.FirstOrDefault()}' has no candidate outcome). Re-run both evaluations with the same battery.");
        }
        if (baseOutcomes.Count == 0) throw new BadInputException(task, null, "no outcomes for this task; evaluate both models on the battery first.");
        return baseOutcomes.Select(b => new Pair_(b, candidates[b.ItemId])).ToList();
    }

    /// <summary>The check's comparison at any confidence level: a paired interval for rates, a paired bootstrap for scores.</summary>
    private static Func<double, PairedComparison> Measure(PlannedCheck check, List<Pair_> pairs, int seed)
    {
        bool clustered = pairs.Any(p => p.Base.Cluster is not null);
        if (check.Rule.OnLevel) return Level(check, pairs, clustered, seed);
        if (check.Metric.Rate is not { } value)
            return PairedBootstrap.Resample(pairs.Select(p => p.Base.Score ?? 0).ToList(), pairs.Select(p => p.Candidate.Score ?? 0).ToList(), seed,
                clusters: clustered ? [.. pairs.Select(p => p.Cluster)] : null).At;
        if (clustered) return ClusteredPairedProportions.Measure([.. pairs.Select(p => (value(p.Base), value(p.Candidate), p.Cluster))]);
        var counts = PairedCounts.From(pairs.Select(p => (value(p.Base), value(p.Candidate))));
        return confidence => PairedProportions.FromCounts(counts, confidence);
    }

    /// <summary>
    /// An absolute floor or ceiling: the candidate's own rate and its interval (clustered when the task
    /// is), with the paired comparison's numbers beside it for the report and the change's p-value.
    /// </summary>
    private static Func<double, PairedComparison> Level(PlannedCheck check, List<Pair_> pairs, bool clustered, int seed)
    {
        var value = check.Metric.Rate ?? throw new InvalidOperationException($"{check.Name}: a floor needs a rate metric, not {check.Metric.Name}.");
        var paired = Measure(check with { Rule = CheckRule.NonInferiority(0) }, pairs, seed);
        var outcomes = pairs.Select(p => value(p.Candidate)).ToList();
        IReadOnlyList<string>? clusters = clustered ? [.. pairs.Select(p => p.Cluster)] : null;
        return confidence =>
        {
            var (interval, clusterCount, deff) = ClusteredProportion.Interval(outcomes, clusters, confidence);
            return paired(confidence) with
            {
                Interval = interval, Method = clusters is null ? LevelMethod : $"{LevelMethod}, on the clusters' effective sample",
                Clusters = clusterCount, DesignEffect = deff,
            };
        };
    }

    /// <summary>How a floor's interval is made.</summary>
    public const string LevelMethod = "Wilson score interval of the candidate's own rate";

    /// <summary>The smallest drop detectable with 80% power at this n (items, or clusters), paired, as forgetting shows it (<see cref="PairedPower"/>).</summary>
    public static double MinimumDetectableEffect(int n, double confidence) => PairedPower.DetectableDrop(n, 0, confidence);

    private static ForgettingSummary Summarise(IReadOnlyList<CheckResult> checks)
    {
        // Accuracy-like checks only: drift and distance are not rates.
        var rates = checks.Where(c => c.Metric.IsRate && !c.Rule.OnLevel).ToList();
        var general = rates.Where(c => c.Category == TaskCategory.General).ToList();
        // 0 - x rather than -x: no change is a drop of 0, not of -0 ("-0.0%" in a report).
        double averageDrop = general.Count == 0 ? 0 : general.Average(c => 0 - c.Comparison.Difference);
        // The target is meant to change: only general and safety categories can forget.
        var relative = rates
            .Where(c => c.Category != TaskCategory.Target)
            .GroupBy(c => c.Category)
            .ToDictionary(g => g.Key, g => g.Average(c =>
            {
                // A drop in a rate where lower is better is a rise; relative to the base's headroom.
                double drop = c.Rule.HigherIsBetter ? 0 - c.Comparison.Difference : c.Comparison.Difference;
                double reference = c.Rule.HigherIsBetter ? c.Comparison.BaseScore : 1 - c.Comparison.BaseScore;
                return reference > 0 ? drop / reference : 0;
            }));
        return new ForgettingSummary(averageDrop, relative);
    }
}
