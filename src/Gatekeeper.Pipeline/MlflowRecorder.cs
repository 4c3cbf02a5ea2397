using Gatekeeper.Integrations.MLflow;
using Gatekeeper.Specs;
using Gatekeeper.Torch.Training;
using Gatekeeper.Verdicts;

namespace Gatekeeper.Pipeline;

/// <summary>
/// Records a gate run in MLflow: one experiment per gate, one parent run per execution with child
/// runs for training and for each model's evaluation.
/// </summary>
public sealed class MlflowRecorder
{
    private readonly IMlflowTracking _tracking;
    private readonly string _experimentId;

    public MlflowRecorder(IMlflowTracking tracking, GateSpec spec, IReadOnlyDictionary<string, string> tags, string codeVersion)
    {
        _tracking = tracking;
        _experimentId = tracking.GetOrCreateExperiment($"gatekeeper/{spec.Name}");
        var runTags = new Dictionary<string, string>(tags) { ["gatekeeper.code_version"] = codeVersion, ["gatekeeper.spec"] = spec.SourceFile };
        ParentRunId = tracking.CreateRun(_experimentId, $"gate {spec.Name}", runTags);
        tracking.LogParams(ParentRunId, SpecParameters.Flatten(spec));
    }

    public string ParentRunId { get; }

    public string Location => _tracking.Location;

    /// <summary>The gate's run as the report names it: "run &lt;id&gt; in &lt;location&gt;".</summary>
    public string RunDescription => $"run {ParentRunId} in {Location}";

    public void RecordTraining(TrainingRecord training, string candidateSha256, string parentSha256)
    {
        var (result, threads) = (training.Result, training.Threads);
        var run = _tracking.CreateRun(_experimentId, "train candidate", new Dictionary<string, string>
        {
            ["gatekeeper.stage"] = "train", ["gatekeeper.candidate_sha256"] = candidateSha256, ["gatekeeper.base_sha256"] = parentSha256,
            ["gatekeeper.threads"] = threads.ToString(System.Globalization.CultureInfo.InvariantCulture),
        }, ParentRunId);
        var metrics = result.LossByStep.Select(l => new MlflowMetric("train/loss", l.Loss, l.Step)).ToList();
        metrics.Add(new MlflowMetric("train/seconds", result.Elapsed.TotalSeconds));
        _tracking.LogMetrics(run, metrics);
        _tracking.EndRun(run, MlflowRunStatus.Finished);
    }

    public void RecordEvaluation(string role, string modelSha256, Verdict verdict, string outcomesFile, bool cached)
    {
        var run = _tracking.CreateRun(_experimentId, $"evaluate {role}", new Dictionary<string, string>
        {
            ["gatekeeper.stage"] = "evaluate", ["gatekeeper.role"] = role, ["gatekeeper.model_sha256"] = modelSha256,
            ["gatekeeper.cached"] = cached ? "true" : "false",
            ["gatekeeper.threads"] = TorchSharp.torch.get_num_threads().ToString(System.Globalization.CultureInfo.InvariantCulture),
        }, ParentRunId);
        _tracking.LogMetrics(run, verdict.Checks
            .Select(c => new MlflowMetric($"{Key(c)}", role == "base" ? c.Comparison.BaseScore : c.Comparison.CandidateScore))
            .ToList());
        _tracking.LogArtifact(run, outcomesFile, Path.GetFileName(outcomesFile));
        _tracking.EndRun(run, MlflowRunStatus.Finished);
    }

    public void RecordVerdict(Verdict verdict, string reportFile, IEnumerable<string> artifacts)
    {
        var metrics = new List<MlflowMetric> { new("forgetting/average_general_drop", verdict.Forgetting.AverageGeneralDrop) };
        foreach (var c in verdict.Checks)
        {
            var key = Key(c);
            metrics.Add(new MlflowMetric($"{key}/base", c.Comparison.BaseScore));
            metrics.Add(new MlflowMetric($"{key}/candidate", c.Comparison.CandidateScore));
            metrics.Add(new MlflowMetric($"{key}/delta", c.Comparison.Difference));
            metrics.Add(new MlflowMetric($"{key}/ci_lower", c.Comparison.Interval.Lower));
            metrics.Add(new MlflowMetric($"{key}/ci_upper", c.Comparison.Interval.Upper));
            metrics.Add(new MlflowMetric($"{key}/p_decision_holm", c.AdjustedPValue));
            metrics.Add(new MlflowMetric($"{key}/p_change_holm", c.ChangePValue));
            metrics.Add(new MlflowMetric($"{key}/items", c.Comparison.N));
            if (c.Comparison.Clusters is { } clusters) metrics.Add(new MlflowMetric($"{key}/clusters", clusters));
            if (c.Comparison.DesignEffect is { } deff) metrics.Add(new MlflowMetric($"{key}/design_effect", deff));
        }
        if (verdict.Forgetting.BackwardTransfer is { } backward) metrics.Add(new MlflowMetric("forgetting/backward_transfer", backward.Value));
        foreach (var (category, drop) in verdict.Forgetting.RelativeDropByCategory)
            metrics.Add(new MlflowMetric($"forgetting/relative_drop/{GateDecider.Category(category)}", drop));
        _tracking.LogMetrics(ParentRunId, metrics);
        var tags = new Dictionary<string, string>
        {
            ["gatekeeper.verdict"] = verdict.Outcome.ToString().ToLowerInvariant(),
            ["gatekeeper.headline"] = verdict.Headline,
            ["mlflow.note.content"] = File.ReadAllText(reportFile),
        };
        // Each check's outcome, so runs can be searched by what failed: gatekeeper.check/general/facts = fail.
        foreach (var c in verdict.Checks) tags[$"gatekeeper.check/{Key(c)}"] = OutcomeName(c.Outcome);
        _tracking.SetTags(ParentRunId, tags);
        _tracking.LogArtifact(ParentRunId, reportFile, Path.GetFileName(reportFile));
        foreach (var artifact in artifacts) _tracking.LogArtifact(ParentRunId, artifact, Path.GetFileName(artifact));
    }

    /// <summary>Closes the gate's run: finished, failed, or killed when the gate was cancelled.</summary>
    public void End(MlflowRunStatus status) => _tracking.EndRun(ParentRunId, status);

    private static string OutcomeName(CheckOutcome outcome) => outcome switch
    {
        CheckOutcome.Pass => "pass",
        CheckOutcome.Fail => "fail",
        CheckOutcome.Inconclusive => "inconclusive",
        _ => "not_applicable",
    };

        private static string Key(CheckResult check) =>
        !check.Metric.Qualifies ? $"{GateDecider.Category(check.Category)}/{check.Task}" : $"{GateDecider.Category(check.Category)}/{check.Task}/{check.Metric.Name.Replace(' ', '_')}";
}
