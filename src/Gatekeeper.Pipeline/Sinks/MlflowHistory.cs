using Gatekeeper.Integrations.MLflow;
using Gatekeeper.Reporting;

namespace Gatekeeper.Pipeline.Sinks;

/// <summary>A gate's past runs read back from MLflow (a file store or a server), as <see cref="MlflowSink"/> recorded them.</summary>
public static class MlflowHistory
{
    private const string CheckTag = "gatekeeper.check/";

    /// <summary>The last <paramref name="last"/> runs of the gate recorded in <paramref name="experiment"/>, oldest first; none when the experiment does not exist.</summary>
    public static async Task<GateHistory> ReadAsync(IMlflowStore store, string experiment, string gate, int last, CancellationToken cancellation)
    {
        if (await store.FindExperimentAsync(experiment, cancellation) is not { } id) return new GateHistory(gate, store.Location, []);
        var runs = await store.SearchRunsAsync(id, "gatekeeper.stage", "gate", last, cancellation);
        return new GateHistory(gate, store.Location, [.. runs.OrderBy(r => r.Start).Select(Run)]);
    }

    private static HistoryRun Run(MlflowRunSummary run)
    {
        double? Metric(string key) => run.Metrics.TryGetValue(key, out var value) && !double.IsNaN(value) ? value : null;
        var checks = run.Tags.Where(t => t.Key.StartsWith(CheckTag, StringComparison.Ordinal))
            .OrderBy(t => t.Key, StringComparer.Ordinal)
            .ToDictionary(t => t.Key[CheckTag.Length..], t =>
            {
                var key = t.Key[CheckTag.Length..];
                return new HistoryCheck(t.Value, Metric($"{key}/delta"), Metric($"{key}/ci_lower"), Metric($"{key}/ci_upper"), Metric($"{key}/candidate"));
            });
        // A gate that ended without a verdict shows how it ended.
        var verdict = run.Tags.GetValueOrDefault("gatekeeper.verdict") ?? run.Status.ToString().ToLowerInvariant();
        return new HistoryRun(run.RunId, run.Start, verdict, run.Tags.GetValueOrDefault("mlflow.source.git.commit"), run.Tags.GetValueOrDefault("gatekeeper.pr"),
            run.Tags.GetValueOrDefault("gatekeeper.trigger"), checks);
    }
}
