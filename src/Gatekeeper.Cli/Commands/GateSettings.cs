using System.ComponentModel;
using Gatekeeper.Pipeline;
using Spectre.Console;
using Spectre.Console.Cli;

namespace Gatekeeper.Cli.Commands;

/// <summary>Options of the commands that evaluate: where cached evaluations are kept.</summary>
public class CacheSettings : ModelSettings
{
    [CommandOption("--cache <DIR>")]
    [Description("Evaluation cache. Default: .gatekeeper/cache")]
    [DefaultValue(GateRunOptions.DefaultCacheDirectory)]
    public string Cache { get; init; } = GateRunOptions.DefaultCacheDirectory;

    /// <summary>The run options these settings give, writing to <paramref name="output"/> (null: the gate's default folder).</summary>
    public virtual GateRunOptions RunOptions(string? output, IReadOnlyDictionary<string, string>? tags = null) => new()
    {
        OutputDirectory = output,
        CacheDirectory = Cache,
        CodeVersion = BuildInfo.Version,
        Tags = tags ?? new Dictionary<string, string>(),
        TrainingThreads = TrainingThreads,
        InferenceBudget = InferenceBudget,
    };

    public override ValidationResult Validate() => FolderError(("--cache", Cache)) ?? base.Validate();
}

/// <summary>Options of the commands that decide gates: where their records go, besides the cache.</summary>
public class GateSettings : CacheSettings
{
    [CommandOption("--mlruns <DIR>")]
    [Description("MLflow file store. Default: mlruns")]
    [DefaultValue(GateRunOptions.DefaultMlflowDirectory)]
    public string Mlruns { get; init; } = GateRunOptions.DefaultMlflowDirectory;

    [CommandOption("--tag <KEY=VALUE>")]
    [Description("Tag for the MLflow run (repeatable), e.g. --tag pr=42 --tag trigger=nightly")]
    public string[] Tags { get; init; } = [];

    public override GateRunOptions RunOptions(string? output, IReadOnlyDictionary<string, string>? tags = null) =>
        base.RunOptions(output, tags ?? ParseTags(Tags)) with { MlflowDirectory = Mlruns };

    private static Dictionary<string, string> ParseTags(IEnumerable<string> tags)
    {
        var parsed = new Dictionary<string, string>();
        foreach (var tag in tags)
        {
            int equals = tag.IndexOf('=');
            if (equals <= 0) throw new BadInputException("--tag", null, $"'{tag}' is not KEY=VALUE, e.g. --tag pr=42.");
            parsed[tag[..equals]] = tag[(equals + 1)..];
        }
        return parsed;
    }

    public override ValidationResult Validate() => FolderError(("--mlruns", Mlruns)) ?? base.Validate();
}
