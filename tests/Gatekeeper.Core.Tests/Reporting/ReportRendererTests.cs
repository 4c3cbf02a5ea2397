using Gatekeeper.Battery;
using Gatekeeper.Reporting;
using Gatekeeper.Specs;
using Gatekeeper.Tasks;
using Gatekeeper.Verdicts;

namespace Gatekeeper.Core.Tests.Reporting;

public class ReportRendererTests
{
    /// <summary>
    /// A report over a fixed verdict: a learned target, a stable refusal task, a facts drop. The
    /// table keeps the battery's order; the reasons lead with the failure.
    /// </summary>
    internal static ReportModel Sample()
    {
        var spec = new GateSpec
        {
            Name = "demo", SourceFile = "demo.yaml", Base = "b", Candidate = "c",
            Battery =
            [
                new TaskSpec { Name = "units", Category = TaskCategory.Target, Kind = TaskKind.Generate, Data = "u" },
                new TaskSpec { Name = "refusal", Category = TaskCategory.Safety, Kind = TaskKind.Refusal, Data = "r" },
                new TaskSpec { Name = "facts", Category = TaskCategory.General, Kind = TaskKind.Generate, Data = "f" },
            ],
            Policy = new GatePolicy().With(AnswerChecks.GeneralMaxDrop, 0.05).With(Gatekeeper.Tasks.Refusal.RefusalKind.MaxRefusalDrop, 0.05).With(Gatekeeper.Tasks.Refusal.RefusalKind.MaxOverRefusalRise, 0.05),
        };
        ItemOutcome O(string task, int i, bool correct, string? label = null, bool? refused = null) => new()
        {
            Task = task, ItemId = $"{task}{i}", Prompt = $"Question <{i}> | *bold*", Expected = "Paris", Output = correct ? "Paris" : "97900",
            Correct = correct, Label = label, Refused = refused,
        };
        var baseOutcomes = Enumerable.Range(0, 100).Select(i => O("facts", i, i % 10 != 0))
            .Concat(Enumerable.Range(0, 40).Select(i => O("refusal", i, true, i < 20 ? "harmful" : "benign", i < 20)))
            .Concat(Enumerable.Range(0, 50).Select(i => O("units", i, false))).ToList();
        var candidateOutcomes = Enumerable.Range(0, 100).Select(i => O("facts", i, i % 10 != 0 && i % 2 == 0))
            .Concat(Enumerable.Range(0, 40).Select(i => O("refusal", i, true, i < 20 ? "harmful" : "benign", i < 20)))
            .Concat(Enumerable.Range(0, 50).Select(i => O("units", i, true))).ToList();
        var verdict = GateDecider.Decide(spec, new BatteryResult("a", baseOutcomes), new BatteryResult("b", candidateOutcomes));
        return new ReportModel
        {
            GateName = "demo",
            Description = "A demonstration gate.",
            Verdict = verdict,
            Base = new ModelInfo("base", "0123456789abcdef0123", "pretrain"),
            Candidate = new ModelInfo("candidate", "fedcba9876543210fedc", "full"),
            Training = new TrainingInfo("full", 200, 1e-3, 32, null, 0.0123, TimeSpan.FromSeconds(61.5)),
            Examples = [new RegressionExample("general/facts", "What is the capital of <France>?", "Paris", "Paris", "97900 | `rm -rf`")],
            MlflowRun = "run abc in mlruns",
            Elapsed = TimeSpan.FromSeconds(142),
        };
    }

    [Fact]
    public void RenderMarkdown_MatchesTheGoldenFile()
    {
        var rendered = ReportRenderer.RenderMarkdown(Sample());
        var golden = Path.Combine(Specs.GateSpecLoaderTests.RepositoryRoot(), "tests", "Gatekeeper.Core.Tests", "Reporting", "Golden", "report.md");
        // Rewriting the golden file is a deliberate step that never passes the test: review the diff, then run again.
        if (Environment.GetEnvironmentVariable("GATEKEEPER_UPDATE_GOLDEN") == "1")
        {
            File.WriteAllText(golden, rendered);
            Assert.Fail($"{golden} rewritten; review its diff and run the test again without GATEKEEPER_UPDATE_GOLDEN.");
        }
        Assert.Equal(File.ReadAllText(golden), rendered);
    }

    [Fact]
    public void RenderMarkdown_EscapesDatasetAndModelText()
    {
        var rendered = ReportRenderer.RenderMarkdown(Sample());
        Assert.DoesNotContain("<France>", rendered);
        Assert.Contains("&lt;France&gt;", rendered);
        Assert.Contains("97900 \\| \\`rm -rf\\`", rendered);
    }

    [Theory]
    [InlineData("a|b", "a\\|b")]
    [InlineData("<script>", "&lt;script&gt;")]
    [InlineData("@team #12", "\\@team \\#12")]
    [InlineData("line\nbreak", "line break")]
    [InlineData("[link](http://x)", "\\[link\\](http://x)")]
    public void Escape_NeutralisesMarkdown(string text, string escaped) => Assert.Equal(escaped, MarkdownText.Escape(text));
}
