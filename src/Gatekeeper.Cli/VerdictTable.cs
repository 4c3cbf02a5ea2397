using System.Globalization;
using Gatekeeper.Verdicts;
using Spectre.Console;

namespace Gatekeeper.Cli;

/// <summary>The verdict on the terminal: a table of checks, the reasons, the headline.</summary>
internal static class VerdictTable
{
    /// <summary>A finished gate: the verdict, where its report and records are, and any sink that failed (the verdict stands).</summary>
    public static void Write(IAnsiConsole console, Pipeline.GateRun run, Integrations.MLflow.MlflowTrackingUri tracking)
    {
        Write(console, run.Verdict);
        console.MarkupLine($"Report: [link]{Markup.Escape(run.ReportPath)}[/] and [link]{Markup.Escape(Pipeline.Sinks.ReportFilesSink.HtmlPath(run.ReportPath))}[/]");
        if (run.Records is { } records)
            console.MarkupLine($"MLflow: {Markup.Escape(records)}" + (tracking.Kind == Integrations.MLflow.MlflowStoreKind.FileStore
                ? $" (open with: mlflow ui --backend-store-uri {Markup.Escape(tracking.Location)})" : ""));
        foreach (var failure in run.SinkFailures)
            console.MarkupLine($"[yellow]warning[/] the {Markup.Escape(failure.Sink)} sink failed; the verdict and exit code stand: {Markup.Escape(failure.Message)}");
    }

    public static void Write(IAnsiConsole console, Verdict verdict)
    {
        var table = new Table().Border(TableBorder.Simple)
            .AddColumn("check").AddColumn(new TableColumn("n").RightAligned()).AddColumn(new TableColumn("base").RightAligned())
            .AddColumn(new TableColumn("candidate").RightAligned()).AddColumn(new TableColumn("change").RightAligned())
            .AddColumn($"{verdict.Confidence * 100:0.#}% CI").AddColumn("result");
        foreach (var c in verdict.Checks)
        {
            table.AddRow(
                Markup.Escape(c.Name), c.Comparison.N.ToString(CultureInfo.InvariantCulture),
                F(c.Comparison.BaseScore), F(c.Comparison.CandidateScore), S(c.Comparison.Difference),
                $"{S(c.Comparison.Interval.Lower)} to {S(c.Comparison.Interval.Upper)}", Result(c.Outcome));
        }
        console.Write(table);
        foreach (var c in verdict.Checks.Where(c => c.Outcome != CheckOutcome.Pass).OrderBy(c => c.Outcome != CheckOutcome.Fail))
            console.MarkupLine($"  {Result(c.Outcome)} {Markup.Escape(c.Reason)}");
        foreach (var warning in verdict.Warnings) console.MarkupLine($"  [yellow]warning[/] {Markup.Escape(warning)}");
        console.MarkupLine($"Average drop in accuracy over general tasks: {F(verdict.Forgetting.AverageGeneralDrop)}");
        var colour = verdict.Outcome switch { GateOutcome.Pass => "green", GateOutcome.Fail => "red", _ => "yellow" };
        console.MarkupLine($"[bold {colour}]{Markup.Escape(verdict.Headline)}[/] (exit {verdict.ExitCode})");
    }

    private static string Result(CheckOutcome outcome) => outcome switch
    {
        CheckOutcome.Pass => "[green]pass[/]",
        CheckOutcome.Fail => "[red]FAIL[/]",
        CheckOutcome.NotApplicable => "[grey]n/a[/]",
        _ => "[yellow]inconclusive[/]",
    };

    private static string F(double v) => double.IsNaN(v) ? "-" : v.ToString("0.000;-0.000;0.000", CultureInfo.InvariantCulture);

    private static string S(double v) => v.ToString("+0.000;-0.000;0.000", CultureInfo.InvariantCulture);
}
