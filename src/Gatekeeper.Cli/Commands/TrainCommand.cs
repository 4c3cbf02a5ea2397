using System.ComponentModel;
using Gatekeeper.Pipeline;
using Gatekeeper.Specs;
using Gatekeeper.Torch.Checkpoints;
using Gatekeeper.Torch.Compute;
using Gatekeeper.Torch.Tokenization;
using Spectre.Console;
using Spectre.Console.Cli;

namespace Gatekeeper.Cli.Commands;

/// <summary>The training stage alone: fine-tunes the spec's candidate from its base (or runs its training command) and writes it.</summary>
public sealed class TrainCommand : Command<TrainCommand.Settings>
{
    public sealed class Settings : CacheSettings
    {
        [CommandArgument(0, "<SPEC>")]
        [Description("Gate spec whose train: (or train_command:) makes the candidate")]
        public string Spec { get; init; } = "";

        [CommandOption("-o|--output <DIR>")]
        [Description("The gate's output folder; the candidate is written to its candidate/ folder with training.json. Default: out/<gate name>")]
        public string? Output { get; init; }

        public override ValidationResult Validate() => FolderError(("--output", Output)) ?? base.Validate();
    }

    private readonly IAnsiConsole _console;

    public TrainCommand(IAnsiConsole console) => _console = console;

    public override int Execute(CommandContext context, Settings settings, CancellationToken cancellation)
    {
        settings.ApplyThreads();
        var spec = settings.LoadSpec(settings.Spec);
        if (spec.Train is null && spec.TrainCommand is null)
            throw new BadInputException(spec.SourceFile, null, $"the spec names its candidate ({spec.Candidate}) and has nothing to train; give it a train: or train_command: section, or evaluate the candidate with 'gatekeeper eval'.");
        var output = Path.GetFullPath(settings.Output ?? Path.Combine("out", spec.Name));
        var options = settings.RunOptions(output);
        var observer = new ConsoleGateObserver(_console);
        var target = ComputeTarget.From(spec.Compute);
        observer.Stage($"Loading the base from {spec.Base} ({target}).");
        using var baseCheckpoint = Checkpoint.Load(spec.Base, target);
        if (spec.Train is { } train) PromptFormats.Apply(baseCheckpoint.Tokenizer, train.PromptFormat, baseCheckpoint.Directory);
        var (candidate, training) = TrainStage.Run(spec, baseCheckpoint, output, options, observer, cancellation);
        using var _ = candidate;
        var folder = TrainStage.CandidateFolder(output);
        _console.MarkupLine($"Candidate {candidate.Manifest.ContentSha256[..12]} written to [link]{Markup.Escape(folder)}[/]" +
            (training is { } t ? $" (final loss {t.Result.FinalLoss:F4}, {t.Result.Elapsed.TotalSeconds:F0} s on {t.Threads} threads)." : "."));
        return ExitCodes.Pass;
    }
}
