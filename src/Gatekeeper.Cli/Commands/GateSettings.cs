using System.ComponentModel;
using Gatekeeper.Pipeline;
using Spectre.Console;
using Spectre.Console.Cli;

namespace Gatekeeper.Cli.Commands;

/// <summary>Options of the commands that run gates: where their records and cached evaluations go.</summary>
public class GateSettings : ModelSettings
{
    [CommandOption("--mlruns <DIR>")]
    [Description("MLflow file store. Default: mlruns")]
    [DefaultValue("mlruns")]
    public string Mlruns { get; init; } = "mlruns";

    [CommandOption("--cache <DIR>")]
    [Description("Evaluation cache. Default: .gatekeeper/cache")]
    [DefaultValue(".gatekeeper/cache")]
    public string Cache { get; init; } = ".gatekeeper/cache";

    /// <summary>The run options these settings give, writing to <paramref name="output"/> (null: the gate's default folder).</summary>
    public GateRunOptions RunOptions(string? output, IReadOnlyDictionary<string, string>? tags = null)
    {
        var options = new GateRunOptions
        {
            OutputDirectory = output,
            MlflowDirectory = Mlruns,
            CacheDirectory = Cache,
            CodeVersion = BuildInfo.Version,
            Tags = tags ?? new Dictionary<string, string>(),
        };
        return options with { TrainingThreads = TrainingThreads };
    }

    public override ValidationResult Validate() => FolderError(("--mlruns", Mlruns), ("--cache", Cache)) ?? base.Validate();
}
