namespace Gatekeeper.Pipeline;

/// <summary>Where a gate run writes, and what it records alongside.</summary>
public sealed record GateRunOptions
{
    public const string DefaultMlflowDirectory = "mlruns";
    public const string DefaultCacheDirectory = ".gatekeeper/cache";
    public const string DefaultSpoolDirectory = ".gatekeeper/spool";

    /// <summary>Folder for the candidate, per-item outcomes and reports. Default: out/&lt;gate name&gt;.</summary>
    public string? OutputDirectory { get; init; }

    /// <summary>Where MLflow records go: a file store (default <c>mlruns</c>) or a tracking server.</summary>
    public Integrations.MLflow.MlflowTrackingUri Tracking { get; init; } = Integrations.MLflow.MlflowTrackingUri.FileStore(DefaultMlflowDirectory);

    /// <summary>The GitHub Actions job to comment, check and summarise in; null outside Actions.</summary>
    public Sinks.GitHubSettings? GitHub { get; init; }

    /// <summary>How calls to a tracking server are retried and bounded.</summary>
    public Integrations.MLflow.Rest.MlflowResilience.Options MlflowRetries { get; init; } = new();

    /// <summary>Where MLflow records wait until their store takes them (<c>gatekeeper sync</c>). Default: .gatekeeper/spool.</summary>
    public string SpoolDirectory { get; init; } = DefaultSpoolDirectory;

    /// <summary>Folder of cached evaluations, keyed by model and task content. Default: .gatekeeper/cache.</summary>
    public string CacheDirectory { get; init; } = DefaultCacheDirectory;

    /// <summary>
    /// Torch threads for training (and an EWC Fisher): fixed, because the count changes the weights
    /// reached. Recorded in the candidate's manifest and the MLflow run. Default: the machine's cores
    /// (<see cref="Torch.Compute.TorchThreads.TrainingDefault"/>), whatever their load.
    /// </summary>
    public int TrainingThreads { get; init; } = Torch.Compute.TorchThreads.TrainingDefault;

    /// <summary>How large evaluation's batches may grow (<c>--batch-memory</c>): a memory estimate, never a change in the answers.</summary>
    public Torch.Inference.InferenceBudget InferenceBudget { get; init; } = Torch.Inference.InferenceBudget.Default;

    /// <summary>Recorded as the code version in manifests and runs.</summary>
    public string CodeVersion { get; init; } = "dev";

    /// <summary>Tags recorded on the MLflow run: git commit, PR number, trigger.</summary>
    public IReadOnlyDictionary<string, string> Tags { get; init; } = new Dictionary<string, string>();
}
