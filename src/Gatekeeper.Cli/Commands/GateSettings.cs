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
    [Description("MLflow file store, when MLFLOW_TRACKING_URI names no store. Default: mlruns")]
    [DefaultValue(GateRunOptions.DefaultMlflowDirectory)]
    public string Mlruns { get; init; } = GateRunOptions.DefaultMlflowDirectory;

    [CommandOption("--spool <DIR>")]
    [Description("Where MLflow records wait while their store is unreachable ('gatekeeper sync' sends them). Default: .gatekeeper/spool")]
    [DefaultValue(GateRunOptions.DefaultSpoolDirectory)]
    public string Spool { get; init; } = GateRunOptions.DefaultSpoolDirectory;

    [CommandOption("--github")]
    [Description("In GitHub Actions: keep one comment on the pull request, a check on its head commit and the job summary (GITHUB_TOKEN; a failure is reported and never changes the exit code)")]
    public bool GitHub { get; init; }

    /// <summary>The Actions job to publish to; --github outside Actions is bad input.</summary>
    private static Gatekeeper.Pipeline.Sinks.GitHubSettings GitHubJob() =>
        Gatekeeper.Pipeline.Sinks.GitHubSettings.FromEnvironment(Environment.GetEnvironmentVariable)
        ?? throw new BadInputException("--github", null, "this is not a GitHub Actions job (GITHUB_ACTIONS and GITHUB_REPOSITORY are unset); leave --github out here, or use 'gatekeeper comment --dry-run' to see what would be posted.");

    [CommandOption("--tag <KEY=VALUE>")]
    [Description("Tag for the MLflow run (repeatable), e.g. --tag pr=42 --tag trigger=nightly")]
    public string[] Tags { get; init; } = [];

    public override GateRunOptions RunOptions(string? output, IReadOnlyDictionary<string, string>? tags = null) =>
        base.RunOptions(output, tags ?? WithJobTags(ParseTags(Tags))) with
        {
            Tracking = Gatekeeper.Integrations.MLflow.MlflowTrackingUri.Resolve(Environment.GetEnvironmentVariable, Mlruns),
            SpoolDirectory = Path.GetFullPath(Spool),
            GitHub = GitHub ? GitHubJob() : null,
        };

    /// <summary>The tags of the CI job the gate runs in (commit, branch, PR, trigger), under the ones given with --tag.</summary>
    private static Dictionary<string, string> WithJobTags(Dictionary<string, string> given)
    {
        var tags = new Dictionary<string, string>(Gatekeeper.Integrations.GitHub.ActionsContext.From(Environment.GetEnvironmentVariable)?.Tags() ?? new Dictionary<string, string>());
        foreach (var (key, value) in given) tags[key] = value;
        return tags;
    }

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

    public override ValidationResult Validate() => FolderError(("--mlruns", Mlruns), ("--spool", Spool)) ?? base.Validate();
}
