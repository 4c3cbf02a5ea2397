using System.ComponentModel;
using Gatekeeper.Battery;
using Gatekeeper.Pipeline;
using Gatekeeper.Specs;
using Spectre.Console;
using Spectre.Console.Cli;

namespace Gatekeeper.Cli.Commands;

/// <summary>Combines the shards 'eval' wrote into one outcome file, refusing shards that do not belong together.</summary>
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

        [CommandOption("-o|--output <FILE>")]
        [Description("The merged outcomes (JSONL). Default: out/<gate>/outcomes.jsonl")]
        public string? Output { get; init; }
    }

    private readonly IAnsiConsole _console;

    public MergeCommand(IAnsiConsole console) => _console = console;

    public override int Execute(CommandContext context, Settings settings, CancellationToken cancellation)
    {
        var spec = GateSpecLoader.Load(settings.Spec);
        var outcomes = ShardedEvaluation.Merge(spec, settings.Shards);
        var output = Path.GetFullPath(settings.Output ?? Path.Combine("out", spec.Name, "outcomes.jsonl"));
        Directory.CreateDirectory(Path.GetDirectoryName(output)!);
        OutcomeFile.Write(output, outcomes);
        _console.MarkupLine($"Merged {settings.Shards.Length} shards, {outcomes.Count} outcomes, into [link]{Markup.Escape(output)}[/].");
        return ExitCodes.Pass;
    }
}
