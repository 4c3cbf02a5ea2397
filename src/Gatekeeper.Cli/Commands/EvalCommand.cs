using System.ComponentModel;
using Gatekeeper.Battery;
using Gatekeeper.Pipeline;
using Gatekeeper.Specs;
using Gatekeeper.Torch.Checkpoints;
using Gatekeeper.Torch.Compute;
using Gatekeeper.Torch.Training.Lora;
using Spectre.Console;
using Spectre.Console.Cli;

namespace Gatekeeper.Cli.Commands;

/// <summary>Evaluates one model on (a shard of) a gate's battery and writes the per-item outcomes, for CI to split across runners.</summary>
public sealed class EvalCommand : Command<EvalCommand.Settings>
{
    public sealed class Settings : CacheSettings
    {
        [CommandArgument(0, "<SPEC>")]
        [Description("Gate spec whose battery is evaluated")]
        public string Spec { get; init; } = "";

        [CommandOption("--model <DIR>")]
        [Description("Checkpoint folder (or PEFT adapter) to evaluate. Default: the spec's base")]
        public string? Model { get; init; }

        [CommandOption("--shard <K/N>")]
        [Description("Evaluate only the k-th of n deterministic slices, e.g. 2/4. Default: the whole battery (answered from the cache where it can)")]
        public string? Shard { get; init; }

        [CommandOption("-o|--output <DIR>")]
        [Description("Folder for outcomes.jsonl and shard.json (replaced). Default: out/<gate>/eval-<k>-of-<n>")]
        public string? Output { get; init; }

        public override ValidationResult Validate()
        {
            if (Shard is not null && Battery.Shard.Parse(Shard, out var problem) is null) return ValidationResult.Error($"--shard: {problem}");
            return FolderError(("--output", Output)) ?? base.Validate();
        }
    }

    private readonly IAnsiConsole _console;

    public EvalCommand(IAnsiConsole console) => _console = console;

    public override int Execute(CommandContext context, Settings settings, CancellationToken cancellation)
    {
        settings.ApplyThreads();
        var spec = settings.LoadSpec(settings.Spec);
        var shard = settings.Shard is null ? Shard.Whole : Shard.Parse(settings.Shard, out _)!;
        var output = Path.GetFullPath(settings.Output ?? Path.Combine("out", spec.Name, $"eval-{shard.Index}-of-{shard.Count}"));
        var options = settings.RunOptions(output);
        var observer = new ConsoleGateObserver(_console);
        var battery = EvaluationStage.SingleModelTasks(spec);
        var target = ComputeTarget.From(spec.Compute);
        using var checkpoint = Load(spec, settings.Model ?? spec.Base, target, observer);
        var evaluation = EvaluationStage.Evaluate("model", checkpoint, battery, shard, new EvaluationCache(options.CacheDirectory, options.CodeVersion),
            options.InferenceBudget, observer, cancellation);
        evaluation.Write(output);
        var manifest = evaluation.Manifest;
        _console.MarkupLine($"Wrote {manifest.Items} outcomes of model {manifest.ModelSha256[..12]} (shard {shard}) to [link]{Markup.Escape(output)}[/].");
        return ExitCodes.Pass;
    }

    /// <summary>The model to evaluate: a checkpoint, or a PEFT adapter (a LoRA candidate) attached to the spec's base.</summary>
    private static Checkpoint Load(GateSpec spec, string folder, ComputeTarget target, ConsoleGateObserver observer)
    {
        if (!PeftAdapter.IsAdapter(folder))
        {
            observer.Stage($"Loading the model from {folder} ({target}).");
            return Checkpoint.Load(folder, target);
        }
        observer.Stage($"Loading the base from {spec.Base} ({target}) for the adapter {folder}.");
        using var baseCheckpoint = Checkpoint.Load(spec.Base, target);
        return TrainStage.LoadGiven(folder, baseCheckpoint, target, observer);
    }
}
