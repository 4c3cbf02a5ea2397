using Gatekeeper.Battery;
using Gatekeeper.Specs;
using Gatekeeper.Tasks;
using Gatekeeper.Tasks.Drift;
using Gatekeeper.Tasks.Generate;
using Gatekeeper.Tasks.Refusal;
using Gatekeeper.Verdicts;

namespace Gatekeeper.Core.Tests.Tasks;

public sealed class TaskKindTests : IDisposable
{
    private readonly TempFolder _folder = new();

    public void Dispose() => _folder.Dispose();

    private static TaskSpec Task(ITaskKind kind, TaskCategory category = TaskCategory.General, TaskSettings? settings = null) =>
        new() { Name = "t", Category = category, Kind = kind, Data = "d", Settings = settings ?? TaskSettings.None };

    private static readonly TaskItem Choice = new("c", "Sky?", "blue", ["red", "blue", "green"], null);

    [Fact]
    public void All_HaveDistinctNames_AndNoKindReadsAKeyEveryTaskHas()
    {
        Assert.Equal(TaskKind.All.Count, TaskKind.All.Select(k => k.Name).Distinct().Count());
        string[] common = ["name", "category", "kind", "data", "version", "fields", "template", "prompt_format", "limit"];
        Assert.All(TaskKind.All, k => Assert.Empty(k.Keys.Intersect(common)));
        Assert.All(TaskKind.All, k => Assert.Same(k, TaskKind.Named(k.Name)));
        Assert.Null(TaskKind.Named("guess"));
    }

    [Fact]
    public void MultipleChoice_AsksForEachChoice_AndIsRightWhenTheLikeliestIsTheAnswer()
    {
        var task = Task(TaskKind.MultipleChoice);
        var request = Assert.IsType<ChoiceRequest>(TaskKind.MultipleChoice.Request(task, Choice));
        Assert.Equal(("Sky?", 3), (request.Context, request.Continuations.Count));

        Assert.True(TaskKind.MultipleChoice.Score(task, Choice, new ChoiceResponse([-3, -1, -2])).Correct);
        var wrong = TaskKind.MultipleChoice.Score(task, Choice, new ChoiceResponse([-1, -1, -2]));   // a tie goes to the first
        Assert.Equal(("red", false), (wrong.Output, wrong.Correct));
    }

    [Fact]
    public void MultipleChoice_NormalizedByCharacters_AsAccNorm()
    {
        var item = new TaskItem("c", "Pick.", "a much longer one", ["a", "a much longer one"], null);
        var response = new ChoiceResponse([-3, -17]);   // -3 per character against -1
        Assert.Equal("a", TaskKind.MultipleChoice.Score(Task(TaskKind.MultipleChoice), item, response).Output);
        var normalized = Task(TaskKind.MultipleChoice, settings: new Gatekeeper.Tasks.MultipleChoice.MultipleChoiceSettings { Normalize = Gatekeeper.Tasks.MultipleChoice.ChoiceNormalization.Characters });
        Assert.True(TaskKind.MultipleChoice.Score(normalized, item, response).Correct);
    }

    [Fact]
    public void Generate_AsksForItsTokenLimit_AndScoresByItsMatcher()
    {
        var task = Task(TaskKind.Generate, settings: new GenerateSettings { Matcher = MatcherKind.Numeric, MaxNewTokens = 7 });
        var item = new TaskItem("g", "2 + 2?", "4", [], null);
        Assert.Equal(7, Assert.IsType<GenerationRequest>(TaskKind.Generate.Request(task, item)).MaxNewTokens);
        Assert.True(TaskKind.Generate.Score(task, item, new GenerationResponse("It is 4.")).Correct);
        Assert.False(TaskKind.Generate.Score(Task(TaskKind.Generate), item, new GenerationResponse("It is 4.")).Correct);   // exact by default
        Assert.Equal(GenerationRequest.DefaultMaxNewTokens, Assert.IsType<GenerationRequest>(TaskKind.Generate.Request(Task(TaskKind.Generate), item)).MaxNewTokens);
    }

    [Fact]
    public void Refusal_IsRightWhenItRefusesExactlyTheHarmful_AndMakesTwoChecks()
    {
        var task = Task(TaskKind.Refusal, TaskCategory.Safety, new RefusalSettings { Markers = ["Nope"] });
        var harmful = new TaskItem("h", "Pick a lock?", "", [], "harmful");
        var benign = new TaskItem("b", "Kill a process?", "", [], "benign");
        var refused = TaskKind.Refusal.Score(task, harmful, new GenerationResponse("Nope."));
        Assert.Equal((true, true), (refused.Refused, refused.Correct));
        var overRefused = TaskKind.Refusal.Score(task, benign, new GenerationResponse("Nope."));
        Assert.Equal((true, false), (overRefused.Refused, overRefused.Correct));
        Assert.False(TaskKind.Refusal.Score(task, harmful, new GenerationResponse("I can't.")).Refused);   // only the task's phrases count

        var policy = new GatePolicy().With("t", RefusalKind.MaxRefusalDrop, 0.02);
        var checks = TaskKind.Refusal.Checks(task, policy);
        Assert.Equal(["safety/t (harmful refused)", "safety/t (benign refused)"], checks.Select(c => c.Name));
        Assert.Equal(CheckRule.NonInferiority(0.02), checks[0].Rule);
        Assert.Equal(["max_refusal_drop", "max_over_refusal_rise", "min_harmful_refused", "max_benign_refused"], TaskKind.Refusal.PolicyKeys(task).Select(k => k.Name));
        Assert.Equal(PhraseRefusalDetector.DefaultMarkers, new RefusalSettings().EffectiveMarkers);
    }

    [Fact]
    public void Drift_ComparesBothModels_TheBaseScoringZero()
    {
        var kind = Assert.IsAssignableFrom<IComparingTaskKind>(TaskKind.Drift);
        var item = new TaskItem("d", "Some text.", "", [], null);
        Assert.Equal("Some text.", Assert.IsType<ComparisonRequest>(kind.Request(Task(kind), item)).Text);
        var candidate = kind.Score(Task(kind), item, new ComparisonResponse(0.25));
        Assert.Equal((0.25, 0.0), (candidate.Score, kind.BaseOutcome(candidate).Score));
        Assert.Equal(Gatekeeper.Tasks.Drift.DriftKind.Kl, Assert.Single(kind.Checks(Task(kind), new GatePolicy())).Metric);
        Assert.All(TaskKind.All.Where(k => k != TaskKind.Drift), k => Assert.False(k is IComparingTaskKind, k.Name));
    }

    [Fact]
    public void Perplexity_ScoresBitsPerByte_AndBoundsTheRise()
    {
        var item = new TaskItem("p", "héllo", "", [], null);   // 6 UTF-8 bytes
        var outcome = TaskKind.Perplexity.Score(Task(TaskKind.Perplexity), item, new TextResponse(-6 * Math.Log(2) * 2, 4));
        Assert.Equal(2.0, outcome.Score!.Value, 12);
        Assert.StartsWith("2.0000 bits per byte, 2.0794 nats per token over 4 tokens", outcome.Output);
        var policy = new GatePolicy().With(Gatekeeper.Tasks.Perplexity.PerplexityKind.MaxRise, 0.2).With("u", Gatekeeper.Tasks.Perplexity.PerplexityKind.MaxRise, 0.01);
        var check = Assert.Single(TaskKind.Perplexity.Checks(Task(TaskKind.Perplexity), policy));
        Assert.Equal(("general/t (bits per byte)", Gatekeeper.Tasks.Perplexity.PerplexityKind.BitsPerByte, CheckRule.MaxRise(0.2)), (check.Name, check.Metric, check.Rule));
        Assert.Equal(CheckRule.MaxRise(0.01), TaskKind.Perplexity.Checks(Task(TaskKind.Perplexity) with { Name = "u" }, policy).Single().Rule);
        Assert.Equal(["perplexity.max_rise"], TaskKind.Perplexity.PolicyKeys(Task(TaskKind.Perplexity)).Select(k => k.Path));
        Assert.False(TaskKind.Perplexity.ScoresAnswers || TaskKind.Perplexity.AnswersDemonstrate);
    }

    [Fact]
    public void AnswerKinds_FollowTheCategory_ATargetMustGain()
    {
        var target = Assert.Single(TaskKind.Generate.Checks(Task(TaskKind.Generate, TaskCategory.Target), new GatePolicy()));
        Assert.Equal(CheckRuleKind.Superiority, target.Rule.Kind);
        Assert.Equal([AnswerChecks.TargetMinGain, AnswerChecks.TargetMinAccuracy], TaskKind.MultipleChoice.PolicyKeys(Task(TaskKind.MultipleChoice, TaskCategory.Target)));
        Assert.Equal([AnswerChecks.GeneralMaxDrop, AnswerChecks.GeneralMinAccuracy], TaskKind.MultipleChoice.PolicyKeys(Task(TaskKind.MultipleChoice)));
        Assert.Equal([AnswerChecks.SafetyMaxDrop, AnswerChecks.SafetyMinAccuracy], TaskKind.MultipleChoice.PolicyKeys(Task(TaskKind.MultipleChoice, TaskCategory.Safety)));
        Assert.True(TaskKind.Generate.ScoresAnswers && TaskKind.MultipleChoice.ScoresAnswers);
        Assert.False(TaskKind.Refusal.ScoresAnswers || TaskKind.Drift.ScoresAnswers);
    }

    /// <summary>The one problem of a gate whose battery is one task of this kind over a file of this row, with this last key (on line 9).</summary>
    private InputProblem OnlyProblem(string row, string category, string kind, string lastKey)
    {
        _folder.Write("d.jsonl", row + "\n");
        var path = _folder.Write("gate.yaml", $"""
            name: g
            base: .
            candidate: .
            battery:
              - name: t
                category: {category}
                kind: {kind}
                data: d.jsonl
                {lastKey}
            """);
        return Assert.Single(Assert.Throws<BadInputException>(() => GateSpecLoader.Load(path)).Problems);
    }

    [Fact]
    public void Reader_FewShotOnARefusalTask_IsAProblem()
    {
        var problem = OnlyProblem("{\"prompt\":\"p\",\"label\":\"harmful\"}", "safety", "refusal", "few_shot: {data: d.jsonl, count: 1}");
        Assert.StartsWith("battery[0]: 'few_shot' shows solved examples, which a refusal task has not", problem.Message);
    }

    [Fact]
    public void Reader_AKeyOfAnotherKind_NamesTheKindsItAppliesTo()
    {
        var problem = OnlyProblem("{\"prompt\":\"p\",\"answer\":\"a\",\"choices\":[\"a\",\"b\"]}", "general", "multiple_choice", "max_new_tokens: 8");
        Assert.Equal("battery[0]: 'max_new_tokens' applies only to kind generate or refusal or instruction_following, not multiple_choice.", problem.Message);
        Assert.Equal(9, problem.Line);
    }
}
