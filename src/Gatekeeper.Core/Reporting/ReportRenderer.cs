using System.Globalization;
using System.Reflection;
using Gatekeeper.Specs;
using Gatekeeper.Statistics;
using Gatekeeper.Verdicts;
using Scriban;
using Scriban.Runtime;

namespace Gatekeeper.Reporting;

/// <summary>
/// Renders a <see cref="ReportModel"/> through its Scriban templates (<see cref="ReportTemplates"/>:
/// the defaults in <c>gates/templates/</c>, or a gate's own). Numbers are formatted here and every
/// piece of user or model text is escaped before the template sees it, so templates only lay out.
/// Templates run in Scriban's sandbox: they see only the report's data, cannot include files or
/// reach the network, and are bounded in loops, recursion and output; a template that does not
/// parse or run is bad input, named with its file and line.
/// </summary>
public static class ReportRenderer
{
    /// <summary>Makes untrusted text safe for one output: markdown (<see cref="MarkdownText.Escape"/>) or HTML (<see cref="HtmlText.Escape"/>).</summary>
    private delegate string Escaper(string? text, int maxLength = 200);

    /// <summary>GitHub refuses a comment longer than this many characters.</summary>
    public const int CommentLimit = 65_536;

    /// <summary>The hidden line that identifies a gate's report, e.g. to find its PR comment.</summary>
    public static string Marker(string gate) => $"<!-- gatekeeper:{MarkdownText.Escape(gate)} -->";

    public static string RenderMarkdown(ReportModel report, ReportTemplates? templates = null) => Render(report, ReportKind.Report, templates);

    public static string RenderHtml(ReportModel report, ReportTemplates? templates = null) => Render(report, ReportKind.Html, templates);

    /// <summary>
    /// One rendering of the report. <paramref name="fullReport"/> says where the whole report is
    /// (a CI run's page, an MLflow run) for renderings that point at it. A comment longer than
    /// GitHub takes is cut at a line, with that pointer.
    /// </summary>
    public static string Render(ReportModel report, ReportKind kind, ReportTemplates? templates = null, string? fullReport = null)
    {
        var html = kind == ReportKind.Html;
        var view = ToView(report, html ? HtmlText.Escape : MarkdownText.Escape);
        view["full_report"] = fullReport is null ? null : html ? HtmlText.Escape(fullReport, 500) : MarkdownText.Place(fullReport);
        if (html)
        {
            // Built here, escaped inside: the template places them as they are.
            var plots = new List<Plot?>
            {
                SvgPlots.Forest(report.Verdict), SvgPlots.LearningAgainstForgetting(report.Verdict), report.Training is { } t ? SvgPlots.LossCurve(t.LossCurve) : null,
                report.History is { Runs.Count: > 0 } history ? SvgPlots.Trends(history, report.Verdict) : null,
            };
            view["plots"] = plots.OfType<Plot>().Select(p => new ScriptObject { ["id"] = p.Id, ["title"] = HtmlText.Escape(p.Title), ["svg"] = p.Svg, ["alt"] = p.TextAlternative }).ToList();
        }
        var rendered = Render((templates ?? ReportTemplates.Default).Read(kind), view);
        return kind == ReportKind.Comment ? Truncated(rendered, CommentLimit, fullReport) : rendered;
    }

    /// <summary>The text cut at its last whole line that leaves room for a note saying where the rest is; unchanged when it fits.</summary>
    public static string Truncated(string text, int limit, string? fullReport)
    {
        if (text.Length <= limit) return text;
        var note = $"\n\n… cut to fit a comment; the whole report is {(fullReport is null ? "in the gate's report.md" : "at " + MarkdownText.Place(fullReport))}.\n";
        int cut = text.LastIndexOf('\n', limit - note.Length - 1);
        return text[..Math.Max(0, cut)] + note;
    }

    private static string Render((string Text, string Source) template, ScriptObject view)
    {
        var parsed = Template.Parse(template.Text, template.Source);
        if (parsed.HasErrors)
        {
            var first = parsed.Messages.First();
            throw new BadInputException(template.Source, first.Span.Start.Line + 1, $"the template does not parse: {first.Message}");
        }
        var context = new TemplateContext
        {
            StrictVariables = true,
            MemberRenamer = member => member.Name,
            // The sandbox: no template loader (include fails), bounded loops, recursion, output and regexes.
            TemplateLoader = null,
            LoopLimit = 10_000,
            RecursiveLimit = 64,
            LimitToString = 1_000_000,
            RegexTimeOut = TimeSpan.FromSeconds(1),
        };
        context.PushGlobal(view);
        try
        {
            return parsed.Render(context).Trim() + "\n";
        }
        catch (Scriban.Syntax.ScriptRuntimeException e)
        {
            throw new BadInputException(template.Source, e.Span.Start.Line + 1, $"the template failed: {e.OriginalMessage}");
        }
    }

    private static ScriptObject ToView(ReportModel report, Escaper esc)
    {
        var v = report.Verdict;
        string level = (v.Confidence * 100).ToString("0.#", CultureInfo.InvariantCulture);
        var view = new ScriptObject
        {
            ["marker"] = Marker(report.GateName),
            ["gate"] = esc(report.GateName),
            ["description"] = esc(report.Description, 500),
            ["outcome"] = v.Outcome.ToString().ToUpperInvariant(),
            ["icon"] = Icon(v.Outcome),
            ["mark"] = v.Outcome switch { GateOutcome.Pass => "✓", GateOutcome.Fail => "✗", _ => "?" },
            ["headline"] = esc(v.Headline),
            ["level"] = level,
            ["base"] = Model(report.Base, esc),
            ["candidate"] = Model(report.Candidate, esc),
            ["checks"] = v.Checks.Select(c => Check(c, esc)).ToList(),
            // Reasons lead with what decides the build: failures, then what could not be decided.
            ["reasons"] = v.Checks.OrderBy(c => ReadingOrder(c.Outcome)).Select(c => Check(c, esc)).ToList(),
            ["average_general_drop"] = Score(v.Forgetting.AverageGeneralDrop),
            ["relative_drops"] = v.Forgetting.RelativeDropByCategory.OrderBy(r => r.Key)
                .Select(r => new ScriptObject { ["category"] = GateDecider.Category(r.Key), ["value"] = Percent(r.Value) }).ToList(),
            ["backward_transfer"] = v.Forgetting.BackwardTransfer is { } b ? BackwardTransfer(b, esc) : null,
            ["warnings"] = v.Warnings.Select(w => esc(w, 500)).ToList(),
            ["examples"] = report.Examples.Select(e => new ScriptObject
            {
                ["check"] = esc(e.Check), ["prompt"] = esc(e.Prompt, 120),
                ["expected"] = esc(e.Expected, 60), ["base"] = esc(e.BaseOutput, 60),
                ["candidate"] = esc(e.CandidateOutput, 60),
            }).ToList(),
            ["training"] = report.Training is { } t ? Training(t, esc) : null,
            ["mlflow_run"] = report.MlflowRun is { } run ? esc(run, 500) : null,
            ["elapsed"] = report.Elapsed is { } e ? Duration(e) : null,
            ["promotion"] = report.Promotion is { } p ? esc(Promotion(p), 500) : null,
        };
        return view;
    }

    private static string Promotion(PromotionInfo p) => p.NotPromoted is { } why
        ? $"{p.Model} not promoted: {why}"
        : $"the candidate is {p.Model} version {p.Version}, and alias '{p.Alias}' " +
          (p.PreviousVersion is { } previous ? $"moved to it from version {previous}" : "now points at it (it pointed at no version before)");

    private static ScriptObject Model(ModelInfo model, Escaper esc) => new()
    {
        ["hash"] = model.ContentSha256.Length >= 12 ? model.ContentSha256[..12] : model.ContentSha256,
        ["method"] = esc(model.Method),
    };

    private static ScriptObject Check(CheckResult c, Escaper esc) => new()
    {
        ["icon"] = c.Outcome switch { CheckOutcome.Pass => "✅", CheckOutcome.Fail => "❌", CheckOutcome.NotApplicable => "➖", _ => "⚠️" },
        ["outcome"] = c.Outcome.Name(),
        // A mark every font has, for pages that cannot count on an emoji font (report.html).
        ["mark"] = c.Outcome switch { CheckOutcome.Pass => "✓", CheckOutcome.Fail => "✗", CheckOutcome.NotApplicable => "–", _ => "?" },
        ["name"] = esc(c.Name),
        ["n"] = c.Comparison.Clusters is { } clusters
            ? string.Create(CultureInfo.InvariantCulture, $"{c.Comparison.N} in {clusters} clusters")
            : c.Comparison.N.ToString(CultureInfo.InvariantCulture),
        ["base"] = Rate(c.Comparison, c.Comparison.BaseScore),
        ["candidate"] = Rate(c.Comparison, c.Comparison.CandidateScore),
        ["change"] = Signed(c.Comparison.Difference),
        // A floor's interval is of the candidate's own rate, not of the change.
        ["interval"] = c.Rule.OnLevel
            ? $"candidate {Score(c.Comparison.Interval.Lower)} to {Score(c.Comparison.Interval.Upper)}"
            : $"{Signed(c.Comparison.Interval.Lower)} to {Signed(c.Comparison.Interval.Upper)}",
        ["p"] = c.Outcome == CheckOutcome.NotApplicable ? "–" : c.AdjustedPValue < 0.001 ? "<0.001" : c.AdjustedPValue.ToString("0.000", CultureInfo.InvariantCulture),
        ["rule"] = Rule(c.Rule),
        ["reason"] = esc(c.Reason, 500),
    };

    private static string Rule(CheckRule rule) => rule.Kind switch
    {
        CheckRuleKind.NonInferiority => $"drop ≤ {Reasons.F(-rule.Limit)}",
        CheckRuleKind.Superiority => $"gain ≥ {Reasons.F(rule.Limit)}",
        CheckRuleKind.Floor => $"candidate ≥ {Reasons.F(rule.Limit)}",
        CheckRuleKind.Ceiling => $"candidate ≤ {Reasons.F(rule.Limit)}",
        _ => $"rise ≤ {Reasons.F(rule.Limit)}",
    };

    private static string Training(TrainingInfo t, Escaper esc)
    {
        string replay = t.ReplayFraction is { } f ? $", {Percent(f)} replay" : "";
        return string.Create(CultureInfo.InvariantCulture,
            $"{esc(t.Method)} fine-tuning{replay}: {t.Steps} steps of {t.BatchSize} rows at learning rate {t.LearningRate:G3}; final loss {t.FinalLoss:0.000}; {Duration(t.Elapsed)}.");
    }

    private static string BackwardTransfer(BackwardTransfer transfer, Escaper esc)
    {
        var steps = transfer.Steps.Select(s => $"{esc(s.Task)} {Score(s.WhenLearned)} → {Score(s.Now)}");
        return $"{Signed(transfer.Value)} over {transfer.Steps.Count} earlier fine-tune{(transfer.Steps.Count == 1 ? "" : "s")} ({string.Join("; ", steps)})";
    }

    private static int ReadingOrder(CheckOutcome outcome) => outcome switch
    {
        CheckOutcome.Fail => 0,
        CheckOutcome.Inconclusive => 1,
        CheckOutcome.NotApplicable => 2,
        _ => 3,
    };

    private static string Icon(GateOutcome outcome) => outcome switch { GateOutcome.Pass => "✅", GateOutcome.Fail => "❌", _ => "⚠️" };

    /// <summary>A right/wrong rate with its Wilson interval at the report's confidence; other scores alone.</summary>
    private static string Rate(PairedComparison comparison, double rate)
    {
        if (comparison.Discordant is null || double.IsNaN(rate)) return Score(rate);
        var interval = Wilson.For((int)Math.Round(rate * comparison.N), comparison.N, comparison.Confidence);
        return $"{Score(rate)} ({Score(interval.Lower)}–{Score(interval.Upper)})";
    }

    private static string Score(double value) => double.IsNaN(value) ? "–" : value.ToString("0.000;-0.000;0.000", CultureInfo.InvariantCulture);

    private static string Signed(double value) => value.ToString("+0.000;-0.000;0.000", CultureInfo.InvariantCulture);

    private static string Percent(double value) => value.ToString("0.0%", CultureInfo.InvariantCulture);

    private static string Duration(TimeSpan span) => span.TotalMinutes >= 1
        ? $"{(int)span.TotalMinutes} min {span.Seconds} s"
        : $"{span.TotalSeconds.ToString("0.0", CultureInfo.InvariantCulture)} s";
}
