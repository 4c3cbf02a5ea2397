using System.ComponentModel;
using System.Diagnostics;
using System.Globalization;
using Gatekeeper.Specs;
using Gatekeeper.Torch.Checkpoints;
using Gatekeeper.Torch.Compute;
using Spectre.Console;
using Spectre.Console.Cli;

namespace Gatekeeper.Cli.Commands;

/// <summary>
/// Loads a checkpoint folder as a gate would and says what it is: family, size, weight files,
/// content hash, and what loading it cost. Checks a checkpoint before a gate depends on it.
/// </summary>
public sealed class InspectCommand : Command<InspectCommand.Settings>
{
    public sealed class Settings : ModelSettings
    {
        [CommandArgument(0, "<CHECKPOINT>")]
        [Description("Checkpoint folder in Hugging Face's layout: config.json and model.safetensors or a sharded index")]
        public string Checkpoint { get; init; } = "";
    }

    private readonly IAnsiConsole _console;

    public InspectCommand(IAnsiConsole console) => _console = console;

    public override int Execute(CommandContext context, Settings settings, CancellationToken cancellation)
    {
        settings.ApplyThreads();
        var target = ComputeTarget.From(settings.Apply(new ComputeSpec()));
        var clock = Stopwatch.StartNew();
        var (model, _, configSha, weightsSha) = Checkpoint.LoadModel(settings.Checkpoint, target);
        using var _ = model;
        var elapsed = clock.Elapsed;
        var weights = WeightFiles.Locate(settings.Checkpoint);
        var config = model.Config;
        var table = new Table().NoBorder().HideHeaders().AddColumn("").AddColumn("");
        void Row(string key, string value) => table.AddRow(Markup.Escape(key), Markup.Escape(value));
        Row("model", $"{config.ModelType} ({config.Architecture})");
        Row("parameters", $"{model.ParameterCount:N0} in {config.Layers} layers, vocabulary {config.VocabSize:N0}, context {config.ContextLength:N0}{config.ContextNote}");
        Row("head", config.TieWordEmbeddings ? "tied to the token embedding" : "its own weights");
        Row("weights", weights.Index is null ? WeightFiles.SingleFile : $"{weights.Shards.Count} shards ({WeightFiles.IndexFile})");
        Row("stored as", string.Join(", ", weights.Tensors.GroupBy(t => t.Tensor.DType).Select(g => $"{g.Key} ({g.Count()} tensors)")));
        Row("loaded as", target.ToString());
        Row("weights sha256", weightsSha);
        Row("config sha256", configSha);
        Row("load time", $"{elapsed.TotalSeconds.ToString("F1", CultureInfo.InvariantCulture)} s");
        if (Gatekeeper.Pipeline.ProcessMemory.PeakBytes() is { } peak) Row("peak memory", $"{peak / (double)(1L << 30):F2} GiB resident (this process, so far)");
        _console.MarkupLine($"[green]OK[/] {Markup.Escape(settings.Checkpoint)}");
        _console.Write(table);
        return ExitCodes.Pass;
    }
}
