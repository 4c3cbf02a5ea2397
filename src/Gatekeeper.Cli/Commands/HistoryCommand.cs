using System.ComponentModel;
using System.Globalization;
using System.Text.Json;
using Gatekeeper.Integrations.MLflow;
using Gatekeeper.Pipeline;
using Gatekeeper.Pipeline.Sinks;
using Gatekeeper.Reporting;
using Gatekeeper.Specs;
using Spectre.Console;
using Spectre.Console.Cli;

namespace Gatekeeper.Cli.Commands;

/// <summary>
/// A gate's last runs from its MLflow records (the file store or the server MLFLOW_TRACKING_URI
/// names): each run's verdict and each check's change, oldest to newest, in the terminal and, with
/// --json, as data the HTML report plots.
/// </summary>
public sealed class HistoryCommand : AsyncCommand<HistoryCommand.Settings>
{
    public sealed class Settings : CommandSettings
    {
        [CommandArgument(0, "<SPEC>")]
        [Description("Gate spec, e.g. gates/default.yaml")]
        public string Spec { get; init; } = "";

        [CommandOption("--last <N>")]
        [Description("How many of the newest runs. Default: 10")]
        [DefaultValue(10)]
        public int Last { get; init; } = 10;

        [CommandOption("--mlruns <DIR>")]
        [Description("MLflow file store, when MLFLOW_TRACKING_URI names no store. Default: mlruns")]
        [DefaultValue(GateRunOptions.DefaultMlflowDirectory)]
        public string Mlruns { get; init; } = GateRunOptions.DefaultMlflowDirectory;

        [CommandOption("--json <FILE>")]
        [Description("Also write the history as JSON, for the HTML report's plots")]
        public string? Json { get; init; }

        public override ValidationResult Validate() =>
            Last < 1 ? ValidationResult.Error($"--last {Last}: give at least 1 run.")
            : Json is not null && Directory.Exists(Json) ? ValidationResult.Error($"--json {Json} is a folder; give a file name.")
            : base.Validate();
    }

    private static readonly JsonSerializerOptions JsonOptions = new()
    {
        PropertyNamingPolicy = JsonNamingPolicy.SnakeCaseLower, WriteIndented = true,
        NumberHandling = System.Text.Json.Serialization.JsonNumberHandling.AllowNamedFloatingPointLiterals,
    };

    private readonly IAnsiConsole _console;

    public HistoryCommand(IAnsiConsole console) => _console = console;

    public override async Task<int> ExecuteAsync(CommandContext context, Settings settings, CancellationToken cancellation)
    {
        var spec = GateSpecLoader.Load(settings.Spec);
        var tracking = MlflowTrackingUri.Resolve(Environment.GetEnvironmentVariable, settings.Mlruns);
        var history = await MlflowHistory.ReadAsync(MlflowStores.Open(tracking), MlflowSink.Experiment(tracking, spec.Name), spec.Name, settings.Last, cancellation);
        if (settings.Json is { } json)
        {
            Directory.CreateDirectory(Path.GetDirectoryName(Path.GetFullPath(json))!);
            AtomicFile.WriteAllText(json, JsonSerializer.Serialize(new { Format = 1, History = history }, JsonOptions) + "\n");
        }
        if (history.Runs.Count == 0)
        {
            _console.MarkupLine($"No runs of gate {Markup.Escape(spec.Name)} in {Markup.Escape(history.Store)} yet.");
            return ExitCodes.Pass;
        }
        Write(history);
        if (settings.Json is { } written) _console.MarkupLine($"History data: [link]{Markup.Escape(Path.GetFullPath(written))}[/]");
        return ExitCodes.Pass;
    }

    private void Write(GateHistory history)
    {
        _console.MarkupLine($"[bold]Gate {Markup.Escape(history.Gate)}[/]: the last {history.Runs.Count} runs in {Markup.Escape(history.Store)}, oldest first; each check's change from base to candidate.");
        var table = new Table().Border(TableBorder.Simple).AddColumn("check");
        foreach (var run in history.Runs)
        {
            var label = $"{run.Started.UtcDateTime:MM-dd HH:mm}\n{(run.Commit is { Length: >= 7 } c ? c[..7] : run.RunId[..Math.Min(7, run.RunId.Length)])}" +
                (run.PullRequest is { } pr ? $"\nPR {pr}" : run.Trigger is { Length: > 0 } t ? $"\n{t}" : "");
            table.AddColumn(new TableColumn(Markup.Escape(label)).RightAligned());
        }
        table.AddColumn("trend");
        table.AddRow([new Markup("[bold]verdict[/]"), .. history.Runs.Select(r => new Markup(Verdict(r.Verdict))), new Markup("")]);
        foreach (var check in history.Checks)
        {
            var cells = history.Runs.Select(r => r.Checks.TryGetValue(check, out var c) ? new Markup(Cell(c)) : new Markup("[grey]-[/]"));
            table.AddRow([new Markup(Markup.Escape(check)), .. cells, new Markup(Trend(history.Trend(check)))]);
        }
        _console.Write(table);
    }

    private static string Verdict(string verdict) => verdict switch
    {
        "pass" => "[green]PASS[/]",
        "fail" => "[red]FAIL[/]",
        "inconclusive" => "[yellow]INCONCLUSIVE[/]",
        var other => $"[grey]{Markup.Escape(other)}[/]",
    };

    private static string Cell(HistoryCheck check)
    {
        var change = check.Change is { } d ? d.ToString("+0.000;-0.000;0.000", CultureInfo.InvariantCulture) : "n/a";
        return check.Outcome switch
        {
            "pass" => $"{change} [green]✓[/]",
            "fail" => $"[red]{change} ✗[/]",
            "inconclusive" => $"[yellow]{change} ?[/]",
            _ => $"[grey]{change}[/]",
        };
    }

    /// <summary>A sparkline of the change over the runs: higher is better for the candidate.</summary>
    private static string Trend(IReadOnlyList<(HistoryRun Run, HistoryCheck Check)> trend)
    {
        var changes = trend.Select(t => t.Check.Change).OfType<double>().ToList();
        if (changes.Count < 2) return "";
        const string bars = "▁▂▃▄▅▆▇█";
        double low = changes.Min(), high = changes.Max();
        return string.Concat(changes.Select(c => bars[high - low < 1e-12 ? 3 : (int)Math.Round((c - low) / (high - low) * (bars.Length - 1))]));
    }
}
