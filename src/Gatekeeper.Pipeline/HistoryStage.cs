using Gatekeeper.Integrations.MLflow;
using Gatekeeper.Pipeline.Sinks;
using Gatekeeper.Reporting;
using Gatekeeper.Specs;

namespace Gatekeeper.Pipeline;

/// <summary>
/// The gate's earlier runs, read from its MLflow store for the report's trends: the last ten that
/// ended, oldest first. A store that cannot be read costs the report its trends, never the gate.
/// </summary>
public static class HistoryStage
{
    public const int Runs = 10;

    private static readonly TimeSpan Limit = TimeSpan.FromSeconds(15);

    public static GateHistory? Read(GateSpec spec, GateRunOptions options, IGateObserver observer)
    {
        try
        {
            using var timeout = new CancellationTokenSource(Limit);
            var store = MlflowStores.Open(options.Tracking, retries: options.MlflowRetries with { MaxRetries = 1 });
            var history = MlflowHistory.ReadAsync(store, MlflowSink.Experiment(options.Tracking, spec.Name), spec.Name, Runs + 1, timeout.Token).GetAwaiter().GetResult();
            // This gate's own run is open while it decides: it is not its own history.
            return history with { Runs = [.. history.Runs.Where(r => r.Verdict != "running").TakeLast(Runs)] };
        }
        catch (Exception e) when (e is InfrastructureException or IOException or OperationCanceledException or HttpRequestException or InvalidOperationException)
        {
            observer.Stage($"The gate's earlier runs could not be read from MLflow ({e.Message}); the report goes without their trends.");
            return null;
        }
    }
}
