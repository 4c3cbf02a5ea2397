using System.ComponentModel;
using Gatekeeper.Pipeline;
using Gatekeeper.Specs;
using Gatekeeper.Verdicts;
using Spectre.Console;
using Spectre.Console.Cli;

namespace Gatekeeper.Cli.Commands;

/// <summary>Runs a whole gate: fine-tune (or take) a candidate, evaluate, decide, report, record.</summary>
public sealed class RunCommand : Command<RunCommand.Settings>
{
    public sealed class Settings : GateSettings
    {
        [CommandArgument(0, "<SPEC>")]
        [Description("Gate spec, e.g. gates/default.yaml")]
        public string Spec { get; init; } = "";

        [CommandOption("--candidate <DIR>")]
        [Description("Gate this checkpoint folder instead of the spec's train: or candidate:. Gating the base itself (--candidate gates/base) checks that a battery and policy pass a null change")]
        public string? Candidate { get; init; }

        [CommandOption("-o|--output <DIR>")]
        [Description("Folder for the candidate, outcomes and report. Default: out/<gate name>")]
        public string? Output { get; init; }

        public override ValidationResult Validate() =>
            FolderError(("--output", Output)) ?? base.Validate();
    }

    private readonly IAnsiConsole _console;

    public RunCommand(IAnsiConsole console) => _console = console;

    public override int Execute(CommandContext context, Settings settings, CancellationToken cancellation)
    {
        settings.ApplyThreads();
        var spec = GateSpecLoader.Load(settings.Spec);
        if (settings.Candidate is { } candidate)
        {
            if (!Directory.Exists(candidate))
                throw new BadInputException("--candidate", null, $"'{candidate}' is not a folder; give a checkpoint folder (config.json, model.safetensors), e.g. --candidate gates/base.");
            spec = spec with { Train = null, TrainCommand = null, Candidate = Path.GetFullPath(candidate) };
        }
        spec = spec with { Compute = settings.Apply(spec.Compute) };
        _console.MarkupLine($"[bold]Gate {Markup.Escape(spec.Name)}[/] ({Markup.Escape(settings.Spec)}), {spec.Compute.Device}, {spec.Compute.DType}, evaluating on {TorchSharp.torch.get_num_threads()} threads.");
        var options = settings.RunOptions(settings.Output);
        var run = GateRunner.Run(spec, options, new ConsoleGateObserver(_console), cancellation);
        VerdictTable.Write(_console, run, options.Tracking);
        return run.ExitCode;
    }
}
