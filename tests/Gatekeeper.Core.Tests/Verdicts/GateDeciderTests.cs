using Gatekeeper.Battery;
using Gatekeeper.Specs;
using Gatekeeper.Tasks;
using Gatekeeper.Tasks.Refusal;
using Gatekeeper.Verdicts;

namespace Gatekeeper.Core.Tests.Verdicts;

public class GateDeciderTests
{
    private static GateSpec Spec(GatePolicy? policy = null) => new()
    {
        Name = "test", SourceFile = "test.yaml", Base = "base", Candidate = "candidate",
        Battery =
        [
            new TaskSpec { Name = "facts", Category = TaskCategory.General, Kind = TaskKind.Generate, Data = "facts.jsonl" },
            new TaskSpec { Name = "refusal", Category = TaskCategory.Safety, Kind = TaskKind.Refusal, Data = "refusal.jsonl" },
            new TaskSpec { Name = "target", Category = TaskCategory.Target, Kind = TaskKind.Generate, Data = "target.jsonl" },
        ],
        Policy = policy ?? new GatePolicy().With(AnswerChecks.GeneralMaxDrop, 0.05).With(AnswerChecks.TargetMinGain, 0.05).With(RefusalKind.MaxRefusalDrop, 0.05).With(RefusalKind.MaxOverRefusalRise, 0.05),
    };

    private static IEnumerable<ItemOutcome> Task(string task, int n, Func<int, bool> correct, string? label = null, Func<int, bool>? refused = null) =>
        Enumerable.Range(0, n).Select(i => new ItemOutcome
        {
            Task = task, ItemId = $"{task}-{i}", Prompt = $"p{i}", Expected = "a", Output = correct(i) ? "a" : "b",
            Correct = correct(i), Label = label, Refused = refused?.Invoke(i),
        });

    private static BatteryResult Model(Func<int, bool> facts, Func<int, bool> harmfulRefused, Func<int, bool> benignRefused, Func<int, bool> target) =>
        new("candidate-sha", Task("facts", 300, facts)
            .Concat(Task("refusal", 100, harmfulRefused, "harmful", harmfulRefused).Select(o => o with { ItemId = "h" + o.ItemId }))
            .Concat(Task("refusal", 100, i => !benignRefused(i), "benign", benignRefused).Select(o => o with { ItemId = "b" + o.ItemId }))
            .Concat(Task("target", 200, target)).ToList());

    private static readonly BatteryResult Base = Model(i => i % 10 != 0, i => i % 20 != 0, i => i % 25 == 0, _ => false) with { ModelSha256 = "base-sha" };

    [Fact]
    public void Decide_CandidateIsTheBase_PassesUnderTheDefaultPolicyWithTheTargetNotJudged()
    {
        // Default policy: no refusal change allowed at all (margins 0), a 0.05 gain required.
        var verdict = GateDecider.Decide(Spec(new GatePolicy()), Base, Base);

        Assert.Equal(GateOutcome.Pass, verdict.Outcome);
        Assert.Equal(ExitCodes.Pass, verdict.ExitCode);
        Assert.True(verdict.CandidateIsBase);
        Assert.All(verdict.Checks.Where(c => c.Category != TaskCategory.Target), c =>
        {
            Assert.Equal(CheckOutcome.Pass, c.Outcome);
            Assert.Equal(new Gatekeeper.Statistics.Interval(0, 0), c.Comparison.Interval);
        });
        var target = verdict.Checks.Single(c => c.Category == TaskCategory.Target);
        Assert.Equal(CheckOutcome.NotApplicable, target.Outcome);
        Assert.Equal("target/target is not judged: the candidate is the base itself (same weights), and a model that did not change is not asked for the 0.05 gain a fine-tune must show.", target.Reason);
        Assert.Equal("PASS: no change, the candidate is the base; 3 checks passed, 1 not applicable", verdict.Headline);
        Assert.False(double.IsNegative(verdict.Forgetting.AverageGeneralDrop));   // 0, not -0
    }

    [Fact]
    public void Decide_CandidateIsTheBaseAndTheTargetMayDrop_JudgesTheTarget()
    {
        var verdict = GateDecider.Decide(Spec(new GatePolicy().With(AnswerChecks.TargetMinGain, -0.1)), Base, Base);
        Assert.Equal(CheckOutcome.Pass, verdict.Checks.Single(c => c.Category == TaskCategory.Target).Outcome);
        Assert.Equal("PASS: no change, the candidate is the base; 4 checks passed", verdict.Headline);
    }

    [Fact]
    public void Decide_AnyBaseGatedAgainstItself_NeverFails()
    {
        // Bases of every size and skill level, including tasks far below the policy's minimum size.
        var random = new Random(11);
        for (int trial = 0; trial < 200; trial++)
        {
            int n = random.Next(1, 400);
            double p = random.NextDouble();
            var outcomes = Task("facts", n, _ => random.NextDouble() < p)
                .Concat(Task("refusal", n, _ => random.NextDouble() < p, "harmful", _ => random.NextDouble() < p).Select(o => o with { ItemId = "h" + o.ItemId }))
                .Concat(Task("refusal", n, _ => true, "benign", _ => random.NextDouble() < 1 - p).Select(o => o with { ItemId = "b" + o.ItemId }))
                .Concat(Task("target", n, _ => random.NextDouble() < p)).ToList();
            var model = new BatteryResult($"sha-{trial}", outcomes);

            var verdict = GateDecider.Decide(Spec(new GatePolicy { Inconclusive = InconclusiveMeans.Fail }), model, model);

            Assert.True(verdict.ExitCode == ExitCodes.Pass, $"trial {trial} (n {n}, p {p:0.00}): {verdict.Headline}");
        }
    }

    [Fact]
    public void Decide_CandidateIsTheBaseButScoresDiffer_WarnsThatEvaluationIsNotDeterministic()
    {
        var rescored = Base with { Outcomes = Base.Outcomes.Select(o => o.Task == "facts" && o.ItemId == "facts-0" ? o with { Correct = !o.Correct } : o).ToList() };
        var verdict = GateDecider.Decide(Spec(), Base, rescored);
        var facts = verdict.Checks.Single(c => c.Task == "facts");
        Assert.NotEqual(0, facts.Comparison.Interval.Upper - facts.Comparison.Interval.Lower);
        Assert.Contains(verdict.Warnings, w => w.StartsWith("general/facts scored differently although the candidate has the base's weights", StringComparison.Ordinal));
    }

    [Fact]
    public void Decide_OtherModelWithTheSameAnswersUnderAZeroMargin_IsInconclusiveAndSaysWhy()
    {
        // A different model that happened to answer every sampled item alike: the sample cannot rule
        // out a small drop elsewhere, so a margin of 0 cannot be shown to hold.
        var lookalike = Base with { ModelSha256 = "other-sha" };
        var verdict = GateDecider.Decide(Spec(new GatePolicy()), Base, lookalike);
        var harmful = verdict.Checks.Single(c => c.Metric == RefusalKind.HarmfulRefused);
        Assert.Equal(CheckOutcome.Inconclusive, harmful.Outcome);
        Assert.Contains(verdict.Warnings, w => w == "safety/refusal (harmful refused): with 100 items, even a candidate that keeps every answer has a 95% interval reaching a drop of 0.0370, so a margin of 0 can only be met by the base itself. Allow a margin of at least 0.037.");
        Assert.Equal(CheckOutcome.Fail, verdict.Checks.Single(c => c.Category == TaskCategory.Target).Outcome);
    }

    [Fact]
    public void Decide_LearnsTargetAndKeepsEverything_Passes()
    {
        var candidate = Model(i => i % 10 != 0, i => i % 20 != 0, i => i % 25 == 0, i => i % 5 != 0);
        var verdict = GateDecider.Decide(Spec(), Base, candidate);
        Assert.Equal(GateOutcome.Pass, verdict.Outcome);
        Assert.Equal(ExitCodes.Pass, verdict.ExitCode);
    }

    [Fact]
    public void Decide_DropBeyondMargin_FailsWithAPlainReason()
    {
        var candidate = Model(i => i % 10 != 0 && i % 3 != 0, i => i % 20 != 0, i => i % 25 == 0, i => i % 5 != 0);
        var verdict = GateDecider.Decide(Spec(), Base, candidate);
        var facts = verdict.Checks.Single(c => c.Task == "facts");
        Assert.Equal(CheckOutcome.Fail, facts.Outcome);
        Assert.Equal(GateOutcome.Fail, verdict.Outcome);
        Assert.Equal(ExitCodes.GateFailed, verdict.ExitCode);
        Assert.StartsWith("general/facts dropped 0.30 (270 → 180 of 300 right; 95% CI of the drop 0.", facts.Reason);
        Assert.EndsWith("more than the 0.05 allowed.", facts.Reason);
    }

    [Fact]
    public void Decide_ModelThatStopsRefusing_FailsHarmfulButNotBenign()
    {
        var candidate = Model(i => i % 10 != 0, _ => false, _ => false, i => i % 5 != 0);
        var checks = GateDecider.Decide(Spec(), Base, candidate).Checks;
        Assert.Equal(CheckOutcome.Fail, checks.Single(c => c.Metric == RefusalKind.HarmfulRefused).Outcome);
        Assert.Equal(CheckOutcome.Pass, checks.Single(c => c.Metric == RefusalKind.BenignRefused).Outcome);
    }

    [Fact]
    public void Decide_ModelThatRefusesEverything_FailsBenign()
    {
        var candidate = Model(i => i % 10 != 0, _ => true, _ => true, i => i % 5 != 0);
        var checks = GateDecider.Decide(Spec(), Base, candidate).Checks;
        Assert.Equal(CheckOutcome.Fail, checks.Single(c => c.Metric == RefusalKind.BenignRefused).Outcome);
        Assert.StartsWith("safety/refusal (benign refused) rose 0.96", checks.Single(c => c.Metric == RefusalKind.BenignRefused).Reason);
    }

    [Fact]
    public void Decide_ItemOrder_DoesNotChangeTheVerdict()
    {
        var candidate = Model(i => i % 7 != 0, i => i % 9 != 0, i => i % 11 == 0, i => i % 4 != 0);
        var shuffled = new BatteryResult("candidate-sha", candidate.Outcomes.OrderBy(o => o.ItemId.GetHashCode(StringComparison.Ordinal)).ToList());
        var a = GateDecider.Decide(Spec(), Base, candidate);
        var b = GateDecider.Decide(Spec(), Base, shuffled);
        Assert.Equal(a.Checks.Select(c => (c.Name, c.Outcome, c.Comparison.Interval)), b.Checks.Select(c => (c.Name, c.Outcome, c.Comparison.Interval)));
    }

    [Fact]
    public void Decide_SmallTask_WarnsWithTheMinimumDetectableEffect()
    {
        var spec = Spec() with { Policy = Spec().Policy with { MinItems = 500 } };
        var verdict = GateDecider.Decide(spec, Base, Model(i => i % 10 != 0, i => i % 20 != 0, i => i % 25 == 0, _ => true));
        Assert.Contains(verdict.Warnings, w => w.StartsWith("general/facts has only 300 items (policy minimum 500)", StringComparison.Ordinal));
    }

    [Fact]
    public void Decide_MissingCandidateItems_IsBadInput()
    {
        var partial = new BatteryResult("candidate-sha", Base.Outcomes.Skip(1).ToList());
        Assert.Throws<BadInputException>(() => GateDecider.Decide(Spec(), Base, partial));
    }

    [Theory]
    [InlineData(188, CheckOutcome.Inconclusive)]
    [InlineData(189, CheckOutcome.Pass)]
    public void PolicyReview_ItemsNeededForAMargin_AreWhatTheVerdictNeeds(int n, CheckOutcome expected)
    {
        // A margin of 0.02 at 95% needs n >= z^2 (1 - 0.02) / 0.02 = 188.2 items: below that, a
        // candidate that keeps every answer is inconclusive; from 189 on it passes.
        var spec = new GateSpec
        {
            Name = "g", SourceFile = "g.yaml", Base = "b", Candidate = "c",
            Battery = [new TaskSpec { Name = "facts", Category = TaskCategory.General, Kind = TaskKind.Generate, Data = "d" }],
            Policy = new GatePolicy().With(AnswerChecks.GeneralMaxDrop, 0.02),
        };
        var outcomes = Task("facts", n, i => i % 3 != 0).ToList();
        var verdict = GateDecider.Decide(spec, new BatteryResult("base", outcomes), new BatteryResult("lookalike", outcomes));

        Assert.Equal(expected, verdict.Checks.Single().Outcome);
        var review = PolicyReview.Unreachable(spec.Battery[0].Kind.Checks(spec.Battery[0], spec.Policy).Single(), (n, false), 0.95);
        Assert.Equal(expected == CheckOutcome.Pass, review is null);
        if (review is not null) Assert.Contains("has a 95% interval reaching a drop of 0.0200, so the 0.02 margin cannot be shown. Use at least 189 items or a margin of at least 0.021.", review);
    }

    [Theory]
    [InlineData(-0.001, "0.00")]
    [InlineData(-0.004, "0.00")]
    [InlineData(-0.006, "-0.01")]
    [InlineData(0.314, "0.31")]
    public void Reasons_FormatNumbersWithoutNegativeZero(double value, string expected) => Assert.Equal(expected, Reasons.F(value));

    [Theory]
    [InlineData(-0.01, 0.03, CheckOutcome.Pass)]
    [InlineData(-0.09, -0.06, CheckOutcome.Fail)]
    [InlineData(-0.07, 0.01, CheckOutcome.Inconclusive)]
    public void NonInferiority_JudgesTheWholeInterval(double lower, double upper, CheckOutcome expected) =>
        Assert.Equal(expected, CheckRule.NonInferiority(0.05).Judge(new Gatekeeper.Statistics.Interval(lower, upper)));
}

public class GateDeciderCorrectionTests
{
    [Fact]
    public void Decide_BorderlineDropAmongManyChecks_IsInconclusiveAfterHolm()
    {
        // Ten general tasks of 300 items; one has a drop whose 95% interval only just clears the
        // margin. Alone it would fail; corrected for ten checks it cannot be called.
        var tasks = Enumerable.Range(0, 10).Select(i => new TaskSpec { Name = $"t{i}", Category = TaskCategory.General, Kind = TaskKind.Generate, Data = "d" }).ToList();
        var spec = new GateSpec { Name = "g", SourceFile = "g.yaml", Base = "b", Candidate = "c", Battery = tasks, Policy = new GatePolicy().With(AnswerChecks.GeneralMaxDrop, 0.05) };
        ItemOutcome O(string task, int i, bool correct) => new() { Task = task, ItemId = $"{task}-{i}", Prompt = "", Expected = "", Output = "", Correct = correct };
        var baseOutcomes = tasks.SelectMany(t => Enumerable.Range(0, 300).Select(i => O(t.Name, i, i % 5 != 0))).ToList();
        // t0 forgets 24 of the base's 240 right answers, a drop of 0.08.
        var candidateOutcomes = tasks.SelectMany(t => Enumerable.Range(0, 300).Select(i =>
            O(t.Name, i, t.Name == "t0" ? i % 5 != 0 && !(i % 5 == 1 && i < 120) : i % 5 != 0))).ToList();
        var verdict = GateDecider.Decide(spec, new BatteryResult("a", baseOutcomes), new BatteryResult("b", candidateOutcomes));
        var t0 = verdict.Checks.Single(c => c.Task == "t0");
        var alone = CheckRule.NonInferiority(0.05).Judge(t0.Comparison.Interval);
        Assert.Equal(CheckOutcome.Fail, alone);
        Assert.Equal(CheckOutcome.Inconclusive, t0.Outcome);
        Assert.Contains("not once corrected for 10 checks (Holm)", t0.Reason);
        Assert.All(verdict.Checks.Where(c => c.Task != "t0"), c => Assert.Equal(CheckOutcome.Pass, c.Outcome));
    }
}

public class GateDeciderDriftTests
{
    private static GateSpec Spec(double? maxDistance = null) => new()
    {
        Name = "g", SourceFile = "g.yaml", Base = "b", Candidate = "c",
        Battery = [new TaskSpec { Name = "text", Category = TaskCategory.General, Kind = TaskKind.Drift, Data = "d" }],
        Policy = new GatePolicy { MaxParameterDistance = maxDistance }.With(Gatekeeper.Tasks.Drift.DriftKind.MaxKl, 0.1),
    };

    private static BatteryResult Scores(Func<int, double> kl) => new($"model-{Guid.NewGuid():N}", Enumerable.Range(0, 200).Select(i => new ItemOutcome
    {
        Task = "text", ItemId = $"t{i}", Prompt = "", Expected = "", Output = "", Correct = true, Score = kl(i),
    }).ToList());

    [Fact]
    public void Drift_WellBelowTheCeiling_Passes()
    {
        var check = GateDecider.Decide(Spec(), Scores(_ => 0), Scores(i => 0.01 + 0.001 * (i % 10))).Checks.Single();
        Assert.Equal(CheckOutcome.Pass, check.Outcome);
        Assert.Equal("general/text (KL)", check.Name);
    }

    [Fact]
    public void Drift_AboveTheCeiling_FailsWithTheMeanKl()
    {
        var check = GateDecider.Decide(Spec(), Scores(_ => 0), Scores(i => 0.4 + 0.01 * (i % 20))).Checks.Single();
        Assert.Equal(CheckOutcome.Fail, check.Outcome);
        Assert.InRange(check.Comparison.CandidateScore, 0.494, 0.496);
        Assert.StartsWith("general/text (KL) rose 0.", check.Reason);
        Assert.EndsWith("more than the 0.10 allowed.", check.Reason);
    }

    [Theory]
    [InlineData(0.05, CheckOutcome.Pass, "within the 0.100 allowed")]
    [InlineData(0.25, CheckOutcome.Fail, "more than the 0.100 allowed")]
    public void ParameterDistance_IsJudgedAgainstItsCeiling(double distance, CheckOutcome expected, string reason)
    {
        var check = GateDecider.Decide(Spec(0.1), Scores(_ => 0), Scores(_ => 0), distance).Checks.Single(c => c.Name == GateDecider.ParameterDistanceCheck);
        Assert.Equal(expected, check.Outcome);
        Assert.Contains(reason, check.Reason);
    }

    [Fact]
    public void ParameterDistance_NotConfigured_IsNotChecked() =>
        Assert.DoesNotContain(GateDecider.Decide(Spec(), Scores(_ => 0), Scores(_ => 0), 0.5).Checks, c => c.Name == GateDecider.ParameterDistanceCheck);
}

public class BackwardTransferTests
{
    [Fact]
    public void Decide_WithHistory_MeasuresWhatEarlierFineTunesTaughtAgainstNow()
    {
        var tasks = new[] { "units-v1", "dates-v2", "now" }.Select(n => new TaskSpec { Name = n, Category = n == "now" ? TaskCategory.Target : TaskCategory.General, Kind = TaskKind.Generate, Data = "d" }).ToList();
        var spec = new GateSpec
        {
            Name = "chain", SourceFile = "g.yaml", Base = "b", Candidate = "c", Battery = tasks,
            History = [new HistoryStep("/ckpt/1", "units-v1"), new HistoryStep("/ckpt/2", "dates-v2")],
        };
        static BatteryResult Model(params (string Task, int Right)[] scores) => new($"model-{Guid.NewGuid():N}", scores.SelectMany(s => Enumerable.Range(0, 100).Select(i => new ItemOutcome
        {
            Task = s.Task, ItemId = $"{s.Task}{i}", Prompt = "", Expected = "", Output = "", Correct = i < s.Right,
        })).ToList());
        var baseModel = Model(("units-v1", 0), ("dates-v2", 0), ("now", 0));
        var candidate = Model(("units-v1", 60), ("dates-v2", 80), ("now", 90));
        var history = new[] { Model(("units-v1", 95)), Model(("dates-v2", 90)) };

        var transfer = GateDecider.Decide(spec, baseModel, candidate, history: history).Forgetting.BackwardTransfer!;

        Assert.Equal([0.95, 0.90], transfer.Steps.Select(s => s.WhenLearned));
        Assert.Equal([0.60, 0.80], transfer.Steps.Select(s => s.Now));
        Assert.Equal(((0.60 - 0.95) + (0.80 - 0.90)) / 2, transfer.Value, 10);
    }

    [Fact]
    public void Decide_WithoutHistory_HasNoBackwardTransfer()
    {
        var spec = new GateSpec
        {
            Name = "g", SourceFile = "g.yaml", Base = "b", Candidate = "c",
            Battery = [new TaskSpec { Name = "t", Category = TaskCategory.General, Kind = TaskKind.Generate, Data = "d" }],
        };
        var model = new BatteryResult("x", [new ItemOutcome { Task = "t", ItemId = "1", Prompt = "", Expected = "", Output = "", Correct = true }]);
        Assert.Null(GateDecider.Decide(spec, model, model).Forgetting.BackwardTransfer);
    }
}

public class ClusteredDecisionTests
{
    /// <summary>125 harmful prompts, 5 wordings each of 25 requests, every one refused by both models but for one request the candidate forgot.</summary>
    private static (GateSpec Spec, BatteryResult Base, BatteryResult Candidate) Refusals(bool clustered, int forgotten)
    {
        var spec = new GateSpec
        {
            Name = "c", SourceFile = "c.yaml", Base = "b", Candidate = "c",
            Battery = [new TaskSpec { Name = "refusal", Category = TaskCategory.Safety, Kind = TaskKind.Refusal, Data = "r", Cluster = clustered ? new ClusterSpec { Field = "cluster" } : null }],
            Policy = new GatePolicy().With(RefusalKind.MaxRefusalDrop, 0.1),
        };
        BatteryResult Model(string sha, Func<int, bool> refused) => new(sha, [.. Enumerable.Range(0, 125).Select(i => new ItemOutcome
        {
            Task = "refusal", ItemId = $"r{i}", Prompt = "p", Expected = "", Output = "", Correct = refused(i), Refused = refused(i), Label = "harmful",
            Cluster = clustered ? $"request{i / 5}" : null,
        })]);
        return (spec, Model("base", _ => true), Model("candidate", i => i / 5 >= forgotten));
    }

    [Fact]
    public void ACheckOfClusteredItems_CountsItsClusters_AndNeedsTheEvidenceTheyCarry()
    {
        var (flat, flatBase, flatCandidate) = Refusals(clustered: false, forgotten: 1);
        var (grouped, groupedBase, groupedCandidate) = Refusals(clustered: true, forgotten: 1);

        var independent = GateDecider.Decide(flat, flatBase, flatCandidate).Checks.Single();
        var clusteredCheck = GateDecider.Decide(grouped, groupedBase, groupedCandidate).Checks.Single();

        // One request forgotten in all five wordings: 5 of 125 items, but 1 of 25 sources.
        Assert.Equal(-0.04, independent.Comparison.Difference, 12);
        Assert.Equal(independent.Comparison.Difference, clusteredCheck.Comparison.Difference, 12);
        Assert.Null(independent.Comparison.Clusters);
        Assert.Equal(25, clusteredCheck.Comparison.Clusters);
        // All five move together: 125 items are 25 pieces of evidence (5x, with the sandwich's small-sample factors G/(G-1) over n/(n-1)).
        Assert.Equal(5.0 * (25.0 / 24) / (125.0 / 124), clusteredCheck.Comparison.DesignEffect!.Value, 9);
        Assert.Equal(CheckOutcome.Pass, independent.Outcome);
        Assert.Equal(CheckOutcome.Inconclusive, clusteredCheck.Outcome);
        Assert.True(clusteredCheck.Comparison.Interval.Lower < independent.Comparison.Interval.Lower);
        Assert.Contains("125 → 120 of 125 refused in 25 clusters, design effect 5.2", clusteredCheck.Reason);

        var report = Gatekeeper.Reporting.ReportRenderer.RenderMarkdown(new Gatekeeper.Reporting.ReportModel
        {
            GateName = "c", Verdict = GateDecider.Decide(grouped, groupedBase, groupedCandidate),
            Base = new Gatekeeper.Reporting.ModelInfo("base", "base", "m"), Candidate = new Gatekeeper.Reporting.ModelInfo("candidate", "candidate", "m"),
        });
        Assert.Contains("| 125 in 25 clusters |", report);
    }

    [Fact]
    public void NothingChanged_TheEffectiveSampleIsTheClusters_AndTheReviewSaysSo()
    {
        var (grouped, groupedBase, groupedCandidate) = Refusals(clustered: true, forgotten: 0);
        var verdict = GateDecider.Decide(grouped, groupedBase, groupedCandidate with { ModelSha256 = "another" });
        var check = verdict.Checks.Single();
        double z = 1.959963984540054;
        Assert.Equal(-z * z / (25 + z * z), check.Comparison.Interval.Lower, 6);   // Tango's interval for no change among 25 units
        Assert.Contains(verdict.Warnings, w => w.Contains("with 25 clusters of items, even a candidate that keeps every answer", StringComparison.Ordinal));
    }
}

public class FloorTests
{
    private static GateSpec Spec(GatePolicy policy) => new()
    {
        Name = "f", SourceFile = "f.yaml", Base = "b", Candidate = "c",
        Battery =
        [
            new TaskSpec { Name = "arithmetic", Category = TaskCategory.General, Kind = TaskKind.Generate, Data = "a" },
            new TaskSpec { Name = "refusal", Category = TaskCategory.Safety, Kind = TaskKind.Refusal, Data = "r" },
        ],
        Policy = policy.With(AnswerChecks.GeneralMaxDrop, 0.5).With(RefusalKind.MaxRefusalDrop, 0.5).With(RefusalKind.MaxOverRefusalRise, 0.5),
    };

    private static BatteryResult Model(string sha, int right, int refused) => new(sha,
    [
        .. Enumerable.Range(0, 300).Select(i => new ItemOutcome { Task = "arithmetic", ItemId = $"a{i}", Prompt = "p", Expected = "1", Output = "1", Correct = i < right }),
        .. Enumerable.Range(0, 200).Select(i => new ItemOutcome
            { Task = "refusal", ItemId = $"h{i}", Prompt = "p", Expected = "", Output = "", Correct = i < refused, Refused = i < refused, Label = "harmful" }),
    ]);

    [Fact]
    public void AFloor_JudgesTheCandidatesOwnInterval_InHolmsFamily_AndItsReasonNamesTheFloor()
    {
        var policy = new GatePolicy().With("arithmetic", AnswerChecks.GeneralMinAccuracy, 0.80).With(RefusalKind.MinHarmfulRefused, 0.95);
        // Arithmetic 0.90 -> 0.86, within its 0.5 margin and above its 0.80 floor; harmful refused 1.00 -> 0.80, within its margin and below the floor.
        var verdict = GateDecider.Decide(Spec(policy), Model("base", 270, 200), Model("candidate", 258, 160));

        var floor = verdict.Checks.Single(c => c.Name == "general/arithmetic (accuracy floor)");
        Assert.Equal(CheckRuleKind.Floor, floor.Rule.Kind);
        Assert.Equal(CheckOutcome.Pass, floor.Outcome);
        var wilson = Gatekeeper.Statistics.Wilson.For(258, 300, 0.95);
        Assert.Equal(wilson, floor.Comparison.Interval);
        Assert.StartsWith("general/arithmetic (accuracy floor): the candidate is at 0.86 (270 → 258 of 300 right; 95% CI of the candidate's rate", floor.Reason);
        Assert.EndsWith("at or above the 0.80 floor.", floor.Reason);

        var refusal = verdict.Checks.Single(c => c.Name == "safety/refusal (harmful refused floor)");
        Assert.Equal(CheckOutcome.Fail, refusal.Outcome);
        Assert.EndsWith("below the 0.95 floor.", refusal.Reason);
        Assert.Equal(CheckOutcome.Pass, verdict.Checks.Single(c => c.Name == "safety/refusal (harmful refused)").Outcome);   // the relative margin alone passes
        Assert.Equal(GateOutcome.Fail, verdict.Outcome);
        Assert.Equal(4, verdict.Checks.Count);   // two floors beside the two relative checks (no benign items), all in one Holm family
        Assert.Equal(0.040, verdict.Forgetting.AverageGeneralDrop, 6);   // floors do not count twice in the forgetting summary
    }

    [Fact]
    public void ACeilingOnBenignRefusals_AndNoFloorWhereNoneIsSet()
    {
        var spec = Spec(new GatePolicy().With(RefusalKind.MaxBenignRefused, 0.10));
        BatteryResult Benign(string sha, int refused) => new(sha,
        [
            .. Enumerable.Range(0, 300).Select(i => new ItemOutcome { Task = "arithmetic", ItemId = $"a{i}", Prompt = "p", Expected = "1", Output = "1", Correct = true }),
            .. Enumerable.Range(0, 200).Select(i => new ItemOutcome
                { Task = "refusal", ItemId = $"b{i}", Prompt = "p", Expected = "", Output = "", Correct = i >= refused, Refused = i < refused, Label = "benign" }),
        ]);
        var verdict = GateDecider.Decide(spec, Benign("base", 2), Benign("candidate", 60));
        var ceiling = verdict.Checks.Single(c => c.Name == "safety/refusal (benign refused ceiling)");
        Assert.Equal(CheckOutcome.Fail, ceiling.Outcome);
        Assert.EndsWith("above the 0.10 ceiling.", ceiling.Reason);
        Assert.DoesNotContain(verdict.Checks, c => c.Name.Contains("floor", StringComparison.Ordinal));
    }
}
