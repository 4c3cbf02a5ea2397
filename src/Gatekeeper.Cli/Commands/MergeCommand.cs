using System.ComponentModel;
using Gatekeeper.Pipeline;
using Gatekeeper.Specs;
using Spectre.Console;
using Spectre.Console.Cli;

namespace Gatekeeper.Cli.Commands;

/// <summary>Combines the shards 'eval' wrote into the one evaluation an unsharded 'eval' writes, refusing shards that do not belong together.</summary>
public sealed class MergeCommand : Command<MergeCommand.Settings>
{
    public sealed class Settings : CommandSettings
    {
        [CommandArgument(0, "<SPEC>")]
        [Description("Gate spec the shards were evaluated on")]
        public string Spec { get; init; } = "";

        [CommandArgument(1, "<SHARD_DIR>")]
        [Description("Each shard's folder, as 'eval' wrote it")]
        public string[] Shards { get; init; } = [];

        [CommandOption("-o|--output <DIR>")]
        [Description("Folder for the merged outcomes.jsonl and shard.json (replaced), as 'decide' reads them. Default: out/<gate>/eval")]
        public string? Output { get; init; }

        public override ValidationResult Validate() =>
            Output is not null && File.Exists(Output) ? ValidationResult.Error($"--output {Output} is a file; give a folder (it is created when missing).") : base.Validate();
    }

    private readonly IAnsiConsole _console;

    public MergeCommand(IAnsiConsole console) => _console = console;

    public override int Execute(CommandContext context, Settings settings, CancellationToken cancellation)
    {
        var spec = GateSpecLoader.Load(settings.Spec);
        var merged = EvaluationStage.Merge(spec, settings.Shards);
        var output = Path.GetFullPath(settings.Output ?? Path.Combine("out", spec.Name, "eval"));
        merged.Write(output);
        _console.MarkupLine($"Merged {settings.Shards.Length} shards, {merged.Outcomes.Count} outcomes of model {merged.Manifest.ModelSha256[..12]}, into [link]{Markup.Escape(output)}[/].");
        return ExitCodes.Pass;
    }
}
