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

    /// <summary>Each rendering of the sample through the default templates, against its golden file.</summary>
    [Theory]
    [InlineData(ReportKind.Report, "report.md")]
    [InlineData(ReportKind.Comment, "comment.md")]
    [InlineData(ReportKind.Summary, "summary.md")]
    [InlineData(ReportKind.Html, "report.html")]
    public void EachRendering_MatchesItsGoldenFile(ReportKind kind, string file)
    {
        var rendered = ReportRenderer.Render(Sample(), kind, fullReport: "https://github.com/acme/models/actions/runs/99");
        var golden = Path.Combine(Specs.GateSpecLoaderTests.RepositoryRoot(), "tests", "Gatekeeper.Core.Tests", "Reporting", "Golden", file);
        // Rewriting the golden file is a deliberate step that never passes the test: review the diff, then run again.
        if (Environment.GetEnvironmentVariable("GATEKEEPER_UPDATE_GOLDEN") == "1")
        {
            File.WriteAllText(golden, rendered);
            Assert.Fail($"{golden} rewritten; review its diff and run the test again without GATEKEEPER_UPDATE_GOLDEN.");
        }
        Assert.Equal(File.ReadAllText(golden), rendered);
    }

    [Fact]
    public void AGatesOwnTemplate_ReplacesTheDefaultOfItsName_AndTheOthersStay()
    {
        using var folder = new TempFolder();
        folder.Write("comment.md.scriban", "{{ marker }}\nOur gate {{ gate }} says {{ outcome }} ({{ checks.size }} checks).");
        var templates = new ReportTemplates(folder.Path);

        Assert.Equal("<!-- gatekeeper:demo -->\nOur gate demo says FAIL (4 checks).\n", ReportRenderer.Render(Sample(), ReportKind.Comment, templates));
        Assert.Equal(ReportRenderer.RenderMarkdown(Sample()), ReportRenderer.RenderMarkdown(Sample(), templates));
    }

    [Theory]
    [InlineData("{{ include 'secrets.txt' }}", 1, "the template failed")]
    [InlineData("ok\n{{ for i in 1..100000 }}{{ i }}{{ end }}", 2, "the template failed")]
    [InlineData("line one\n{{ if }}", 2, "the template does not parse")]
    [InlineData("{{ no_such_value }}", 1, "the template failed")]
    public void ATemplateOutsideTheSandboxOrBroken_IsBadInputWithItsFileAndLine(string text, int line, string message)
    {
        using var folder = new TempFolder();
        var file = folder.Write("report.md.scriban", text);
        var error = Assert.Throws<BadInputException>(() => ReportRenderer.RenderMarkdown(Sample(), new ReportTemplates(folder.Path)));
        Assert.StartsWith($"{file}:{line}: {message}", error.Problems.Single().ToString());
    }

    [Fact]
    public void AComment_PastGitHubsLimit_IsCutAtALineWithAPointerToTheWholeReport()
    {
        using var folder = new TempFolder();
        folder.Write("comment.md.scriban", "{{ marker }}\n{{ for i in 1..3000 }}| {{ i }} | a row of a long table of checks |\n{{ end }}");
        var comment = ReportRenderer.Render(Sample(), ReportKind.Comment, new ReportTemplates(folder.Path), fullReport: "https://ci.example/run/7");

        Assert.InRange(comment.Length, ReportRenderer.CommentLimit - 200, ReportRenderer.CommentLimit);
        Assert.StartsWith("<!-- gatekeeper:demo -->", comment);
        Assert.EndsWith("… cut to fit a comment; the whole report is at <https://ci.example/run/7>.\n", comment);
        var rows = comment.Split('\n').Where(l => l.StartsWith('|')).ToList();
        Assert.All(rows, r => Assert.EndsWith("|", r));   // no row is cut in the middle
        Assert.Equal("short", ReportRenderer.Truncated("short", 100, null));
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
    [InlineData("@team #12", "@&#8203;team #&#8203;12")]
    [InlineData("see https://evil.example/x", "see https:&#8203;//evil.example/x")]
    [InlineData("```js", "\\`\\`\\`js")]
    [InlineData("line\nbreak", "line break")]
    [InlineData("[link](http://x)", "\\[link\\](http:&#8203;//x)")]
    public void Escape_NeutralisesMarkdown(string text, string escaped) => Assert.Equal(escaped, MarkdownText.Escape(text));
}
