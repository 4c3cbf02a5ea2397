using Gatekeeper.Battery;
using Gatekeeper.Pipeline.Sinks;
using Gatekeeper.Specs;
using Gatekeeper.Tasks;
using Gatekeeper.Torch.Checkpoints;
using Gatekeeper.Torch.Compute;
using Gatekeeper.Torch.Tokenization;

namespace Gatekeeper.Pipeline;

/// <summary>
/// A whole gate, in the design's one direction, as the stages run one after another in one process:
/// <see cref="TrainStage"/>, <see cref="EvaluationStage"/> for base (cached) and candidate,
/// <see cref="DecideStage"/>; then the one gate result goes to every sink (<see cref="GateSinks"/>:
/// report files, MLflow). Each stage writes what its own command writes, into the same folder, and
/// the sinks see each stage start and end. The verdict is data; only bad input and infrastructure
/// failures throw, and a failing sink changes neither the verdict nor the exit code.
/// </summary>
public static class GateRunner
{
    public const string BaseEvaluationFolder = "eval-base";
    public const string CandidateEvaluationFolder = "eval-candidate";
    public const string ReportFile = ReportFilesSink.ReportFile;

    public static GateRun Run(GateSpec spec, GateRunOptions options, IGateObserver observer, CancellationToken cancellation = default)
    {
        var started = DateTimeOffset.UtcNow;
        var output = Output(spec, options);

        // Read every task's data first: a malformed file should stop the gate before minutes of training.
        var battery = EvaluationStage.SingleModelTasks(spec);
        observer.Stage($"Battery: {spec.Battery.Count} tasks, {battery.Sum(b => b.Items.Count) + spec.Battery.Where(t => t.Kind is IComparingTaskKind).Sum(t => TaskItemReader.Read(t).Count)} items.");

        var target = ComputeTarget.From(spec.Compute);
        return Published(spec, options, observer, started, (sinks, follow) =>
        {
            var stages = new List<StageRecord>();
            // Each model is loaded once, and both stay loaded: drift compares them side by side.
            observer.Stage($"Loading the base from {spec.Base} ({target}).");
            using var baseCheckpoint = Checkpoint.Load(spec.Base, target);
            // A prompt format the checkpoint cannot render should stop the gate before minutes of training.
            foreach (var format in spec.Battery.Select(t => t.PromptFormat).Append(spec.Train?.PromptFormat ?? PromptFormat.Plain).Distinct())
                PromptFormats.Apply(baseCheckpoint.Tokenizer, format, baseCheckpoint.Directory);

            bool trains = spec.Train is not null || spec.TrainCommand is not null;
            var trainStarted = DateTimeOffset.UtcNow;
            if (trains) sinks.StageStarted(GateStage.Train, trainStarted);
            var (candidate, training) = TrainStage.Run(spec, baseCheckpoint, output, options, follow, cancellation);
            using var _ = candidate;
            if (trains)
                stages.Add(sinks.StageEnded(new TrainingStageRecord(trainStarted, DateTimeOffset.UtcNow, candidate.Directory, candidate.Manifest.ContentSha256,
                    baseCheckpoint.Manifest.ContentSha256, training)));

            var cache = new EvaluationCache(options.CacheDirectory, options.CodeVersion);
            ModelEvaluation Evaluated(GateStage stage, string role, Checkpoint model, string folder)
            {
                var at = DateTimeOffset.UtcNow;
                sinks.StageStarted(stage, at);
                var evaluation = EvaluationStage.Evaluate(role, model, battery, Shard.Whole, cache, options.InferenceBudget, follow, cancellation);
                evaluation.Write(Path.Combine(output, folder));
                stages.Add(sinks.StageEnded(new EvaluationStageRecord(stage, at, DateTimeOffset.UtcNow, role, evaluation, Path.Combine(output, folder))));
                return evaluation;
            }
            var baseEvaluation = Evaluated(GateStage.EvaluateBase, "base", baseCheckpoint, BaseEvaluationFolder);
            var candidateEvaluation = Evaluated(GateStage.EvaluateCandidate, "candidate", candidate, CandidateEvaluationFolder);

            var inputs = new DecideInputs(baseEvaluation, candidateEvaluation)
            {
                Models = (baseCheckpoint, candidate), Training = training, MlflowRun = sinks.Where, InferenceBudget = options.InferenceBudget,
            };
            return Decided(spec, inputs, cache, output, options, sinks, follow, stages, started, cancellation);
        });
    }

    /// <summary>
    /// The decide stage on its own: the verdict from evaluations made elsewhere (<c>gatekeeper eval</c>,
    /// <c>gatekeeper merge</c>), with the models loaded only when the battery compares them directly.
    /// The sinks get the earlier stages as their files recorded them, with their own times.
    /// </summary>
    public static GateRun Decide(GateSpec spec, string baseEvaluation, string candidateEvaluation, (string Base, string Candidate)? models,
        string? trainingFile, GateRunOptions options, IGateObserver observer, CancellationToken cancellation = default)
    {
        var started = DateTimeOffset.UtcNow;
        var output = Output(spec, options);
        var evaluations = (Base: ModelEvaluation.Read(baseEvaluation), Candidate: ModelEvaluation.Read(candidateEvaluation));
        var training = trainingFile is null ? null : TrainedCandidate.ReadRecord(trainingFile);
        var stages = new List<StageRecord>();
        if (training is not null)
            stages.Add(new TrainingStageRecord(training.Started, training.Ended, Path.GetDirectoryName(Path.GetFullPath(trainingFile!))!,
                evaluations.Candidate.Manifest.ModelSha256, evaluations.Base.Manifest.ModelSha256, training));
        foreach (var (stage, role, evaluation, folder) in new[]
        {
            (GateStage.EvaluateBase, "base", evaluations.Base, baseEvaluation), (GateStage.EvaluateCandidate, "candidate", evaluations.Candidate, candidateEvaluation),
        })
            stages.Add(new EvaluationStageRecord(stage, evaluation.Manifest.Started ?? started, evaluation.Manifest.Ended ?? started, role, evaluation, Path.GetFullPath(folder)));

        return Published(spec, options, observer, started, (sinks, follow) =>
        {
            Checkpoint? baseCheckpoint = null, candidate = null;
            try
            {
                if (models is var (baseFolder, candidateFolder))
                {
                    var target = ComputeTarget.From(spec.Compute);
                    observer.Stage($"Loading the base from {baseFolder} and the candidate from {candidateFolder} ({target}).");
                    baseCheckpoint = Checkpoint.Load(baseFolder, target);
                    candidate = TrainStage.LoadGiven(candidateFolder, baseCheckpoint, target, observer);
                }
                var inputs = new DecideInputs(evaluations.Base, evaluations.Candidate)
                {
                    Models = baseCheckpoint is null ? null : (baseCheckpoint, candidate!), Training = training, InferenceBudget = options.InferenceBudget,
                    MlflowRun = sinks.Where,
                };
                var cache = new EvaluationCache(options.CacheDirectory, options.CodeVersion);
                return Decided(spec, inputs, cache, output, options, sinks, follow, stages, started, cancellation);
            }
            finally
            {
                candidate?.Dispose();
                baseCheckpoint?.Dispose();
            }
        });
    }

    private static string Output(GateSpec spec, GateRunOptions options)
    {
        var output = Path.GetFullPath(options.OutputDirectory ?? Path.Combine("out", spec.Name));
        Directory.CreateDirectory(output);
        return output;
    }

    /// <summary>Runs <paramref name="gate"/> with its sinks open, telling them how it ended: decided, failed or cancelled.</summary>
    private static GateRun Published(GateSpec spec, GateRunOptions options, IGateObserver observer, DateTimeOffset started, Func<GateSinks, IGateObserver, GateRun> gate)
    {
        var sinks = GateSinks.For(options, observer);
        sinks.Started(new GateStart(spec, started, options.Tags, options.CodeVersion));
        var state = GateEndState.Failed;
        try
        {
            var run = gate(sinks, sinks.Following(observer));
            state = GateEndState.Decided;
            return run;
        }
        catch (OperationCanceledException)
        {
            state = GateEndState.Cancelled;
            throw;
        }
        finally
        {
            sinks.Ended(new GateEnd(state, DateTimeOffset.UtcNow));
        }
    }

    /// <summary>The decide stage, what it writes, and the gate result handed to every sink.</summary>
    private static GateRun Decided(GateSpec spec, DecideInputs inputs, EvaluationCache cache, string output, GateRunOptions options, GateSinks sinks,
        IGateObserver observer, List<StageRecord> stages, DateTimeOffset started, CancellationToken cancellation)
    {
        var decideStarted = DateTimeOffset.UtcNow;
        var decided = DecideStage.Decide(spec, inputs, cache, observer, cancellation);
        decided = decided with { Report = decided.Report with { History = HistoryStage.Read(spec, options, observer) } };
        if (spec.Promote is { } promote)
            decided = decided with { Report = decided.Report with { Promotion = PromoteStage.Run(promote, decided.Verdict, sinks.Registry, observer) } };
        var ended = DateTimeOffset.UtcNow;
        stages.Add(sinks.StageEnded(new DecideStageRecord(decideStarted, ended)));
        decided = decided with { Report = decided.Report with { Elapsed = ended - started } };
        decided.Write(output);
        var result = new GateResult
        {
            Spec = spec, Report = decided.Report, Base = decided.Base, Candidate = decided.Candidate, Stages = [.. stages], OutputDirectory = output,
            Started = started, Ended = ended, PeakMemoryBytes = ProcessMemory.PeakBytes(),
        };
        sinks.Publish(result);
        return new GateRun(decided.Verdict, decided.Report, output, Path.Combine(output, ReportFile), sinks.Where, sinks.Failures);
    }
}
