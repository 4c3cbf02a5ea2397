using System.ComponentModel;
using System.Globalization;
using Gatekeeper.Pipeline;
using Gatekeeper.Specs;
using Gatekeeper.Sweeps;
using Spectre.Console;
using Spectre.Console.Cli;

namespace Gatekeeper.Cli.Commands;

/// <summary>Trains every mitigation method on a gate's data and gates each, to choose one from a measured table.</summary>
public sealed class SweepCommand : Command<SweepCommand.Settings>
{
    public sealed class Settings : GateSettings
    {
        [CommandArgument(0, "<SPEC>")]
        [Description("Gate spec whose train: data, steps, seed, battery and policy the sweep uses")]
        public string Spec { get; init; } = "";

        [CommandOption("--methods <LIST>")]
        [Description("Comma-separated: full, lora, ewc, replay. Default: all four")]
        public string? Methods { get; init; }

        [CommandOption("--learning-rates <LIST>")]
        [Description("Comma-separated learning rates, each tried with every method. Default: the spec's rate with every method, and each method's best of it and one step of three (a third for full, ewc and replay; three times for LoRA)")]
        public string? LearningRates { get; init; }

        [CommandOption("-o|--output <DIR>")]
        [Description("Folder for each variant's outputs, the table and the plot. Default: out/<gate>.sweep")]
        public string? Output { get; init; }

        public override ValidationResult Validate()
        {
            foreach (var rate in (LearningRates ?? "").Split(',', StringSplitOptions.RemoveEmptyEntries))
            {
                if (!double.TryParse(rate, NumberStyles.Float, CultureInfo.InvariantCulture, out double value) || value <= 0 || value > 1)
                    return ValidationResult.Error($"--learning-rates: '{rate}' is not a learning rate in (0, 1].");
            }
            return FolderError(("--output", Output)) ?? base.Validate();
        }
    }

    private readonly IAnsiConsole _console;

    public SweepCommand(IAnsiConsole console) => _console = console;

    public override int Execute(CommandContext context, Settings settings, CancellationToken cancellation)
    {
        settings.ApplyThreads();
        var spec = settings.LoadSpec(settings.Spec);
        var methods = settings.Methods?.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries) ?? [.. SweepVariants.Methods];
        IReadOnlyList<double>? rates = settings.LearningRates?.Split(',', StringSplitOptions.RemoveEmptyEntries).Select(r => double.Parse(r, CultureInfo.InvariantCulture)).ToList();
        var options = settings.RunOptions(settings.Output);
        var result = SweepRunner.Run(spec, methods, rates, options, new ConsoleGateObserver(_console), cancellation);

        var best = SweepReport.Best(result.Rows).ToHashSet();
        var table = new Table().AddColumns("method", "lr", "target gain", "general drop", "harmful refused", "KL", "distance", "verdict");
        string F(double v) => double.IsNaN(v) ? "n/a" : v.ToString("+0.000;-0.000;0.000", CultureInfo.InvariantCulture);
        foreach (var r in result.Rows)
            table.AddRow(Markup.Escape(r.Method + (best.Contains(r) ? " *" : "")), r.LearningRate.ToString("G3", CultureInfo.InvariantCulture), F(r.TargetGain), F(r.AverageGeneralDrop),
                F(r.HarmfulRefusedChange), F(r.Kl), F(r.ParameterDistance), Markup.Escape(r.Verdict.Headline));
        _console.Write(table);
        _console.MarkupLine($"Table: [link]{Markup.Escape(result.TablePath)}[/]; plot: [link]{Markup.Escape(result.PlotPath)}[/]; page: [link]{Markup.Escape(result.PagePath)}[/]");
        return result.Rows.Any(r => r.Verdict.ExitCode == ExitCodes.Pass) ? ExitCodes.Pass : ExitCodes.GateFailed;
    }
}
