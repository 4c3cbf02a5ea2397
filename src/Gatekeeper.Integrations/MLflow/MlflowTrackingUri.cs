namespace Gatekeeper.Integrations.MLflow;

/// <summary>How a gate reaches its tracking store: a local file store, or a tracking server over REST.</summary>
public enum MlflowStoreKind
{
    FileStore,
    Rest,
}

/// <summary>
/// Where records go, resolved as MLflow's own clients resolve it: <c>MLFLOW_TRACKING_URI</c> (an
/// http or https URL, a <c>file:</c> URI or a plain path), else the folder given on the command
/// line, else <c>./mlruns</c>; credentials from <c>MLFLOW_TRACKING_TOKEN</c> (bearer) or
/// <c>MLFLOW_TRACKING_USERNAME</c> / <c>MLFLOW_TRACKING_PASSWORD</c> (basic);
/// <c>MLFLOW_EXPERIMENT_NAME</c> in place of the gate's experiment; <c>MLFLOW_TRACKING_INSECURE_TLS</c>
/// and <c>MLFLOW_TRACKING_SERVER_CERT_PATH</c> for a server's certificate.
/// </summary>
public sealed record MlflowTrackingUri
{
    public const string DefaultFolder = "mlruns";

    public required MlflowStoreKind Kind { get; init; }

    /// <summary>The file store's folder (absolute), or the server's base URL.</summary>
    public required string Location { get; init; }

    public string? Token { get; init; }
    public string? Username { get; init; }
    public string? Password { get; init; }

    /// <summary>The experiment to record in instead of the gate's own; null: the gate's.</summary>
    public string? ExperimentName { get; init; }

    /// <summary>Accept any server certificate (<c>MLFLOW_TRACKING_INSECURE_TLS=true</c>).</summary>
    public bool InsecureTls { get; init; }

    /// <summary>A CA bundle the server's certificate must chain to.</summary>
    public string? ServerCertificatePath { get; init; }

    /// <summary>A file store in <paramref name="folder"/>, nothing from the environment.</summary>
    public static MlflowTrackingUri FileStore(string folder) => new() { Kind = MlflowStoreKind.FileStore, Location = Path.GetFullPath(folder) };

    /// <param name="environment">Reads an environment variable (null when unset).</param>
    /// <param name="folderOption">The folder given on the command line (<c>--mlruns</c>), used when the environment names no URI.</param>
    public static MlflowTrackingUri Resolve(Func<string, string?> environment, string? folderOption)
    {
        string? Var(string name) => environment(name) is { Length: > 0 } value ? value.Trim() : null;
        var uri = Var("MLFLOW_TRACKING_URI");
        var token = Var("MLFLOW_TRACKING_TOKEN");
        var (user, password) = (Var("MLFLOW_TRACKING_USERNAME"), Var("MLFLOW_TRACKING_PASSWORD"));
        if ((user is null) != (password is null))
            throw new BadInputException("MLFLOW_TRACKING_USERNAME", null, "set both MLFLOW_TRACKING_USERNAME and MLFLOW_TRACKING_PASSWORD for basic authentication, or neither.");
        if (token is not null && user is not null)
            throw new BadInputException("MLFLOW_TRACKING_TOKEN", null, "set MLFLOW_TRACKING_TOKEN or MLFLOW_TRACKING_USERNAME and MLFLOW_TRACKING_PASSWORD, not both.");
        var insecure = Var("MLFLOW_TRACKING_INSECURE_TLS") switch
        {
            null or "false" or "False" or "FALSE" or "0" => false,
            "true" or "True" or "TRUE" or "1" => true,
            var other => throw new BadInputException("MLFLOW_TRACKING_INSECURE_TLS", null, $"'{other}' is not true or false."),
        };
        var certificate = Var("MLFLOW_TRACKING_SERVER_CERT_PATH");
        if (certificate is not null && !File.Exists(certificate))
            throw new BadInputException("MLFLOW_TRACKING_SERVER_CERT_PATH", null, $"'{certificate}' is not a file; give the CA bundle (PEM) the server's certificate chains to.");
        var common = new MlflowTrackingUri
        {
            Kind = MlflowStoreKind.FileStore, Location = "", Token = token, Username = user, Password = password,
            ExperimentName = Var("MLFLOW_EXPERIMENT_NAME"), InsecureTls = insecure, ServerCertificatePath = certificate,
        };
        if (uri is null) return common with { Location = Path.GetFullPath(folderOption ?? DefaultFolder) };
        if (Uri.TryCreate(uri, UriKind.Absolute, out var parsed) && parsed.Scheme is "http" or "https")
            return common with { Kind = MlflowStoreKind.Rest, Location = uri.TrimEnd('/') };
        if (uri.StartsWith("file:", StringComparison.Ordinal))
        {
            // file:///abs/path, file:/abs/path or file:relative, as MLflow reads them.
            var path = Uri.TryCreate(uri, UriKind.Absolute, out var file) && file.IsFile ? file.LocalPath : uri["file:".Length..];
            return common with { Location = Path.GetFullPath(path) };
        }
        if (uri.Contains("://", StringComparison.Ordinal) || uri is "databricks" || uri.StartsWith("databricks://", StringComparison.Ordinal))
            throw new BadInputException("MLFLOW_TRACKING_URI", null,
                $"'{uri}' is not a store Gatekeeper writes to; give an http(s):// tracking server, a file: URI or a folder (a SQL database is reached through 'mlflow server --backend-store-uri ...').");
        return common with { Location = Path.GetFullPath(uri) };
    }
}

/// <summary>The store a tracking URI names.</summary>
public static class MlflowStores
{
    public static IMlflowStore Open(MlflowTrackingUri target, TimeProvider? time = null, Rest.MlflowResilience.Options? retries = null) => target.Kind switch
    {
        MlflowStoreKind.Rest => Rest.MlflowRestClient.Create(target, time ?? TimeProvider.System, retries),
        _ => new MlflowFileStore(target.Location, time),
    };
}
