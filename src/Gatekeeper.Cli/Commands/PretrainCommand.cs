using System.ComponentModel;
using Gatekeeper.Torch.Pretraining;
using Spectre.Console;
using Spectre.Console.Cli;

namespace Gatekeeper.Cli.Commands;

/// <summary>Pretrains the embedded base from a seed and writes it as a checkpoint folder.</summary>
public sealed class PretrainCommand : Command<PretrainCommand.Settings>
{
    public sealed class Settings : CommonSettings
    {
        [CommandOption("-o|--output <DIR>")]
        [Description("Checkpoint folder to write. Default: gates/base")]
        [DefaultValue("gates/base")]
        public string Output { get; init; } = "gates/base";

        [CommandOption("--seed <N>")]
        [Description("Seeds initialisation and sampling. Default: 1")]
        [DefaultValue(1)]
        public int Seed { get; init; } = 1;

        [CommandOption("--data <DIR>")]
        [Description("Folder for the default gates' data files. Default: gates/data")]
        [DefaultValue("gates/data")]
        public string Data { get; init; } = "gates/data";

        [CommandOption("--data-only")]
        [Description("Only write the data files; do not pretrain.")]
        public bool DataOnly { get; init; }

        [CommandOption("--steps <N>")]
        [Description("Optimizer steps. Default: the committed base's setting")]
        public int? Steps { get; init; }

        public override ValidationResult Validate() => Steps < 1
            ? ValidationResult.Error($"--steps {Steps}: give at least 1 step, or leave it out for the committed base's setting.")
            : FolderError(("--output", Output), ("--data", Data)) ?? base.Validate();
    }

    private readonly IAnsiConsole _console;

    public PretrainCommand(IAnsiConsole console) => _console = console;

    public override int Execute(CommandContext context, Settings settings, CancellationToken cancellation)
    {
        foreach (var file in Gatekeeper.Corpus.CorpusExport.Write(settings.Data))
            _console.MarkupLine($"[grey]wrote {Markup.Escape(file)}[/]");
        if (settings.DataOnly) return ExitCodes.Pass;
        using var threads = Gatekeeper.Torch.Compute.TorchThreads.Use(settings.TrainingThreads);
        var defaults = new PretrainOptions();
        var options = defaults with
        {
            Seed = settings.Seed,
            Training = settings.Steps is { } steps ? defaults.Training with { Steps = steps } : defaults.Training,
        };
        _console.MarkupLine($"Pretraining the embedded base: {options.Training.Steps} steps, seed {options.Seed}, {TorchSharp.torch.get_num_threads()} threads.");
        var manifest = BasePretrainer.Run(settings.Output, options, BuildInfo.Version,
            new ConsoleTrainingProgress(_console, "pretrain"),
            (step, scores) => _console.MarkupLine($"[grey]step {step}:[/] " +
                string.Join("  ", scores.Select(s => $"{Markup.Escape(s.Key)} {s.Value:P0}"))),
            cancellation);
        _console.MarkupLine($"Wrote [green]{Markup.Escape(settings.Output)}[/] (content {manifest.ContentSha256[..12]}).");
        return ExitCodes.Pass;
    }
}
