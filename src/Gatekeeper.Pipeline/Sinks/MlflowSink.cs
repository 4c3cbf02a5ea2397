using System.Globalization;
using Gatekeeper.Battery;
using Gatekeeper.Integrations.MLflow;
using Gatekeeper.Integrations.MLflow.Spool;
using Gatekeeper.Reporting;
using Gatekeeper.Specs;
using Gatekeeper.Torch.Training;
using Gatekeeper.Verdicts;

namespace Gatekeeper.Pipeline.Sinks;

/// <summary>
/// A gate in MLflow as a release manager browses it: one experiment per gate
/// (<c>gatekeeper/&lt;name&gt;</c>, or <c>MLFLOW_EXPERIMENT_NAME</c>), a parent run open while the
/// gate works, and a child run for training and for each model's evaluation that starts and ends
/// with its stage, its metric points carrying the time they were measured. The parent gets the
/// spec's params, the verdict's metrics and tags, the report as its description, and the report,
/// gate result and outcome files as artifacts. Records go through a spool
/// (<see cref="MlflowPublisher"/>): an unreachable store never stops the gate, and
/// <c>gatekeeper sync</c> sends what it kept.
/// </summary>
public sealed class MlflowSink : IGateSink, IModelRegistry
{
    /// <summary>A candidate folder up to this size is uploaded with the training run; a larger one is named by its location.</summary>
    public const long LargestUploadedCandidate = 100L << 20;

    /// <summary>How long the gate waits at its start for the store to take its run (so the report can name it), and at its end for the rest.</summary>
    private static readonly TimeSpan StartWait = TimeSpan.FromSeconds(30), EndWait = TimeSpan.FromMinutes(2);

    private readonly MlflowTrackingUri _target;
    private readonly Integrations.MLflow.Rest.MlflowResilience.Options _retries;
    private readonly string _spoolRoot;
    private readonly Action<string> _notice;
    private MlflowPublisher? _publisher;
    private string _gate = "";
    private GateSpec? _spec;
    private readonly HashSet<GateStage> _open = [], _recorded = [];
    private int _livePoints;
    private bool _candidateUploaded;

    public MlflowSink(MlflowTrackingUri target, Integrations.MLflow.Rest.MlflowResilience.Options retries, string spoolRoot, Action<string> notice)
    {
        (_target, _retries, _spoolRoot, _notice) = (target, retries, spoolRoot, notice);
    }

    public string Name => "mlflow";

    public string? Where { get; private set; }

    /// <summary>The store's id of the gate's parent run, once the store has it.</summary>
    public string? ParentRunId => _publisher?.RunId(Key("gate"));

    public void Started(GateStart start)
    {
        _spec = start.Spec;
        _gate = Guid.NewGuid().ToString("N");
        _publisher = new MlflowPublisher(MlflowStores.Open(_target, retries: _retries), _spoolRoot, _notice);
        var tags = new Dictionary<string, string>(start.Tags)
        {
            ["gatekeeper.stage"] = "gate",
            ["gatekeeper.code_version"] = start.CodeVersion,
            ["gatekeeper.spec"] = start.Spec.SourceFile,
        };
        tags.TryAdd("mlflow.source.name", start.Spec.SourceFile);
        _publisher.Post(new MlflowStartRun(Key("gate"), Experiment(_target, start.Spec.Name), $"gate {start.Spec.Name}", null, start.At, tags));
        _publisher.Post(new MlflowLog(Key("gate"), SpecParameters.Flatten(start.Spec), new Dictionary<string, string>(), []));
        _publisher.FlushAsync(StartWait).GetAwaiter().GetResult();
        Where = ParentRunId is { } id
            ? $"run {id} in {_publisher.Store.Location}"
            : $"kept in {_publisher.SpoolFolder} for {_publisher.Store.Location}, which did not take them ({_publisher.Failure ?? "no answer yet"}); 'gatekeeper sync' sends them";
    }

    public void StageStarted(GateStage stage, DateTimeOffset at)
    {
        if (StageRun(stage) is not { } run) return;
        Publisher.Post(new MlflowStartRun(Key(run.Key), ExperimentName, run.Name, Key("gate"), at, new Dictionary<string, string> { ["gatekeeper.stage"] = run.Stage }));
        _open.Add(stage);
    }

    public void Training(TrainingProgress progress)
    {
        if (!_open.Contains(GateStage.Train)) return;
        _livePoints++;
        Publisher.Post(MlflowLog.OfMetrics(Key("train"),
        [
            new("train/loss", progress.Loss, progress.At, progress.Step),
            new("train/learning_rate", progress.LearningRate, progress.At, progress.Step),
            new("train/tokens_per_second", progress.TokensPerSecond, progress.At, progress.Step),
        ]));
    }

    public void StageEnded(StageRecord record)
    {
        if (StageRun(record.Stage) is not { } run) return;
        if (!_open.Contains(record.Stage)) StageStarted(record.Stage, record.Started);
        var key = Key(run.Key);
        var (tags, metrics) = (new Dictionary<string, string>(), new List<MlflowPoint> { new($"{run.Stage}/seconds", record.Elapsed.TotalSeconds, record.Ended) });
        switch (record)
        {
            case TrainingStageRecord training:
                tags["gatekeeper.candidate_sha256"] = training.CandidateSha256;
                tags["gatekeeper.base_sha256"] = training.BaseSha256;
                if (training.Training is { } trained)
                {
                    tags["gatekeeper.threads"] = I(trained.Threads);
                    // A reused candidate's curve, or one trained by a stage command: the points with the times they were measured.
                    if (_livePoints == 0) metrics.AddRange(trained.Result.LossByStep.Select(p => new MlflowPoint("train/loss", p.Loss, p.At, p.Step)));
                    metrics.Add(new("train/final_loss", trained.Result.FinalLoss, record.Ended));
                    metrics.Add(new("train/trainable_parameters", trained.Result.TrainableParameters, record.Ended));
                    metrics.Add(new("train/training_seconds", trained.Result.Elapsed.TotalSeconds, record.Ended));
                    tags["gatekeeper.reused"] = trained.Started < record.Started ? "true" : "false";
                }
                var files = Directory.Exists(training.CandidateFolder) ? Directory.GetFiles(training.CandidateFolder) : [];
                if (files.Length > 0 && files.Sum(f => new FileInfo(f).Length) <= LargestUploadedCandidate)
                {
                    foreach (var file in files) Publisher.PostArtifact(key, file, $"candidate/{Path.GetFileName(file)}");
                    _candidateUploaded = true;
                }
                else tags["gatekeeper.candidate_location"] = training.CandidateFolder;
                break;
            case EvaluationStageRecord evaluation:
                var manifest = evaluation.Evaluation.Manifest;
                tags["gatekeeper.role"] = evaluation.Role;
                tags["gatekeeper.model_sha256"] = manifest.ModelSha256;
                tags["gatekeeper.compute"] = manifest.Compute;
                tags["gatekeeper.cached"] = evaluation.Evaluation.Cached ? "true" : "false";
                tags["gatekeeper.threads"] = I(TorchSharp.torch.get_num_threads());
                metrics.Add(new("evaluate/items", manifest.Items, record.Ended));
                metrics.AddRange(TaskScores(evaluation.Evaluation.Outcomes, record.Ended));
                foreach (var file in new[] { ShardManifest.OutcomesFileName, ShardManifest.FileName })
                    if (File.Exists(Path.Combine(evaluation.Folder, file))) Publisher.PostArtifact(key, Path.Combine(evaluation.Folder, file), file);
                break;
        }
        Publisher.Post(new MlflowLog(key, new Dictionary<string, string>(), tags, metrics));
        Publisher.Post(new MlflowEndRun(key, MlflowRunStatus.Finished, record.Ended));
        _open.Remove(record.Stage);
        _recorded.Add(record.Stage);
    }

    public void Publish(GateResult result)
    {
        // Stages this sink did not follow (the stage commands ran them earlier) are recorded with their own times.
        foreach (var stage in result.Stages.Where(s => !_recorded.Contains(s.Stage))) StageEnded(stage);
        var verdict = result.Verdict;
        var at = result.Ended;
        var metrics = VerdictMetrics(verdict, at);
        metrics.Add(new("gate/seconds", (result.Ended - result.Started).TotalSeconds, at));
        foreach (var stage in result.Stages) metrics.Add(new($"gate/stage/{StageName(stage.Stage)}/seconds", stage.Elapsed.TotalSeconds, at));
        if (result.PeakMemoryBytes is { } peak) metrics.Add(new("system/peak_memory_bytes", peak, at));
        var templates = new ReportTemplates(result.Spec.Templates);
        var markdown = ReportRenderer.RenderMarkdown(result.Report, templates);
        // The run's description is the summary, cut to fit a tag; the whole report is an artifact beside it.
        var description = ReportRenderer.Truncated(ReportRenderer.Render(result.Report, ReportKind.Summary, templates), MlflowKeys.MaxTagLength, "report.md among this run's artifacts");
        var tags = new Dictionary<string, string>
        {
            ["gatekeeper.verdict"] = verdict.Outcome.ToString().ToLowerInvariant(),
            ["gatekeeper.headline"] = verdict.Headline,
            ["mlflow.note.content"] = description,
        };
        // Each check's outcome, so runs can be searched by what failed: gatekeeper.check/general/facts = fail.
        foreach (var c in verdict.Checks) tags[$"gatekeeper.check/{c.RecordKey()}"] = c.Outcome.Name();
        if (result.Report.Promotion is { Version: { } version } promotion)
        {
            tags["gatekeeper.registry.model"] = promotion.Model;
            tags["gatekeeper.registry.version"] = version;
            tags["gatekeeper.registry.alias"] = promotion.Alias;
            tags["gatekeeper.registry.previous_version"] = promotion.PreviousVersion ?? "";
        }
        var gate = Key("gate");
        Publisher.Post(new MlflowLog(gate, new Dictionary<string, string>(), tags, metrics));
        Publisher.PostText(gate, markdown, ReportFilesSink.ReportFile);
        Publisher.PostText(gate, GateResultFile.Serialize(result.Report), GateResultFile.FileName);
        foreach (var role in new[] { "base", "candidate" })
            if (File.Exists(result.OutcomesFile(role))) Publisher.PostArtifact(gate, result.OutcomesFile(role), Path.GetFileName(result.OutcomesFile(role)));
    }

    /// <summary>
    /// The candidate uploaded with the training run (<c>runs:/&lt;training run&gt;/candidate</c>)
    /// registered as a new version of the model, and the alias moved to it. Needs the store to have
    /// taken the gate's records so far, and a candidate the gate trained and uploaded.
    /// </summary>
    public PromotionInfo Promote(PromoteSpec promote)
    {
        var publisher = Publisher;
        if (!publisher.FlushAsync(EndWait).GetAwaiter().GetResult())
            throw new InfrastructureException($"MLflow at {publisher.Store.Location} has not taken the gate's records ({publisher.Failure ?? "no answer"}), so the candidate is not there to register.");
        if (!_candidateUploaded || publisher.RunId(Key("train")) is not { } trainingRun)
            throw new InfrastructureException($"the candidate is not stored in MLflow: only a candidate this gate trains, of at most {LargestUploadedCandidate >> 20} MB, is uploaded with its training run; register a larger or external one from where it is kept.");
        var store = publisher.Store;
        var previous = store.GetAliasAsync(promote.Model, promote.Alias, default).GetAwaiter().GetResult();
        var version = store.RegisterModelVersionAsync(promote.Model, $"runs:/{trainingRun}/candidate", trainingRun, default).GetAwaiter().GetResult();
        store.SetAliasAsync(promote.Model, promote.Alias, version, default).GetAwaiter().GetResult();
        return new PromotionInfo(promote.Model, promote.Alias, version, previous, null);
    }

    public void Ended(GateEnd end)
    {
        if (_publisher is null) return;
        var status = end.State switch
        {
            GateEndState.Decided => MlflowRunStatus.Finished,
            GateEndState.Cancelled => MlflowRunStatus.Killed,
            _ => MlflowRunStatus.Failed,
        };
        foreach (var stage in _open.ToList())
            if (StageRun(stage) is { } run) Publisher.Post(new MlflowEndRun(Key(run.Key), status == MlflowRunStatus.Finished ? MlflowRunStatus.Failed : status, end.At));
        Publisher.Post(new MlflowEndRun(Key("gate"), status, end.At));
        var publication = _publisher.CompleteAsync(EndWait).GetAwaiter().GetResult();
        _publisher.Dispose();
        _publisher = null;
        if (!publication.Complete)
            throw new InfrastructureException($"MLflow at {publication.Store} did not take every record ({publication.Failure}); they are kept in {publication.SpoolFolder}, and 'gatekeeper sync' sends them.");
    }

    private MlflowPublisher Publisher => _publisher ?? throw new InvalidOperationException("The MLflow sink was not started.");

    private string ExperimentName => Experiment(_target, _spec!.Name);

    /// <summary>The experiment a gate's runs go to: <c>MLFLOW_EXPERIMENT_NAME</c> when set, else <c>gatekeeper/&lt;gate&gt;</c>.</summary>
    public static string Experiment(MlflowTrackingUri target, string gate) => target.ExperimentName ?? $"gatekeeper/{gate}";

    private string Key(string run) => $"{_gate}/{run}";

    private static (string Key, string Name, string Stage)? StageRun(GateStage stage) => stage switch
    {
        GateStage.Train => ("train", "train candidate", "train"),
        GateStage.EvaluateBase => ("evaluate-base", "evaluate base", "evaluate"),
        GateStage.EvaluateCandidate => ("evaluate-candidate", "evaluate candidate", "evaluate"),
        _ => null,
    };

    /// <summary>A stage in metric keys: train, evaluate_base, evaluate_candidate, decide.</summary>
    private static string StageName(GateStage stage) => System.Text.Json.JsonNamingPolicy.SnakeCaseLower.ConvertName(stage.ToString());

    /// <summary>Each task's score on each of its kind's metrics, as its check's key names it: the evaluation's record, before any verdict.</summary>
    private IEnumerable<MlflowPoint> TaskScores(IReadOnlyList<ItemOutcome> outcomes, DateTimeOffset at)
    {
        var byTask = outcomes.GroupBy(o => o.Task).ToDictionary(g => g.Key, g => g.ToList());
        foreach (var task in _spec!.Battery)
        {
            if (!byTask.TryGetValue(task.Name, out var items)) continue;
            foreach (var metric in task.Kind.Metrics)
            {
                var covered = items.Where(o => metric.Includes(o.Label)).ToList();
                if (covered.Count == 0) continue;
                double score = metric.Rate is { } counts ? covered.Count(counts) / (double)covered.Count : covered.Average(o => o.Score ?? double.NaN);
                yield return new MlflowPoint(CheckResult.RecordKey(task.Category, task.Name, metric), score, at);
            }
        }
    }

    private static List<MlflowPoint> VerdictMetrics(Verdict verdict, DateTimeOffset at)
    {
        var metrics = new List<MlflowPoint> { new("forgetting/average_general_drop", verdict.Forgetting.AverageGeneralDrop, at) };
        foreach (var c in verdict.Checks)
        {
            var key = c.RecordKey();
            metrics.Add(new($"{key}/base", c.Comparison.BaseScore, at));
            metrics.Add(new($"{key}/candidate", c.Comparison.CandidateScore, at));
            metrics.Add(new($"{key}/delta", c.Comparison.Difference, at));
            metrics.Add(new($"{key}/ci_lower", c.Comparison.Interval.Lower, at));
            metrics.Add(new($"{key}/ci_upper", c.Comparison.Interval.Upper, at));
            metrics.Add(new($"{key}/p_decision_holm", c.AdjustedPValue, at));
            metrics.Add(new($"{key}/p_change_holm", c.ChangePValue, at));
            metrics.Add(new($"{key}/items", c.Comparison.N, at));
            if (c.Comparison.Clusters is { } clusters) metrics.Add(new($"{key}/clusters", clusters, at));
            if (c.Comparison.DesignEffect is { } deff) metrics.Add(new($"{key}/design_effect", deff, at));
        }
        if (verdict.Forgetting.BackwardTransfer is { } backward) metrics.Add(new("forgetting/backward_transfer", backward.Value, at));
        foreach (var (category, drop) in verdict.Forgetting.RelativeDropByCategory)
            metrics.Add(new($"forgetting/relative_drop/{GateDecider.Category(category)}", drop, at));
        return metrics;
    }

    private static string I(long value) => value.ToString(CultureInfo.InvariantCulture);
}
