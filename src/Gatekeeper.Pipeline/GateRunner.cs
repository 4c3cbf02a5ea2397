using System.Diagnostics;
using Gatekeeper.Battery;
using Gatekeeper.Integrations.MLflow;
using Gatekeeper.Reporting;
using Gatekeeper.Specs;
using Gatekeeper.Tasks;
using Gatekeeper.Torch.Checkpoints;
using Gatekeeper.Torch.Compute;
using Gatekeeper.Torch.Tokenization;

namespace Gatekeeper.Pipeline;

/// <summary>
/// A whole gate, in the design's one direction, as the stages run one after another in one process:
/// <see cref="TrainStage"/>, <see cref="EvaluationStage"/> for base (cached) and candidate,
/// <see cref="DecideStage"/>, then the report and the records. Each stage writes what its own
/// command writes, into the same folder. The verdict is data; only bad input and infrastructure
/// failures throw.
/// </summary>
public static class GateRunner
{
    public const string BaseEvaluationFolder = "eval-base";
    public const string CandidateEvaluationFolder = "eval-candidate";
    public const string ReportFile = "report.md";

    public static GateRun Run(GateSpec spec, GateRunOptions options, IGateObserver observer, CancellationToken cancellation = default)
    {
        var clock = Stopwatch.StartNew();
        var output = Output(spec, options);

        // Read every task's data first: a malformed file should stop the gate before minutes of training.
        var battery = EvaluationStage.SingleModelTasks(spec);
        observer.Stage($"Battery: {spec.Battery.Count} tasks, {battery.Sum(b => b.Items.Count) + spec.Battery.Where(t => t.Kind is IComparingTaskKind).Sum(t => TaskItemReader.Read(t).Count)} items.");

        var target = ComputeTarget.From(spec.Compute);
        return Recorded(spec, options, recorder =>
        {
            // Each model is loaded once, and both stay loaded: drift compares them side by side.
            observer.Stage($"Loading the base from {spec.Base} ({target}).");
            using var baseCheckpoint = Checkpoint.Load(spec.Base, target);
            // A prompt format the checkpoint cannot render should stop the gate before minutes of training.
            foreach (var format in spec.Battery.Select(t => t.PromptFormat).Append(spec.Train?.PromptFormat ?? PromptFormat.Plain).Distinct())
                PromptFormats.Apply(baseCheckpoint.Tokenizer, format, baseCheckpoint.Directory);
            var (candidate, training) = TrainStage.Run(spec, baseCheckpoint, output, options, observer, cancellation);
            using var _ = candidate;
            var cache = new EvaluationCache(options.CacheDirectory, options.CodeVersion);
            var baseEvaluation = EvaluationStage.Evaluate("base", baseCheckpoint, battery, Shard.Whole, cache, options.InferenceBudget, observer, cancellation);
            baseEvaluation.Write(Path.Combine(output, BaseEvaluationFolder));
            var candidateEvaluation = EvaluationStage.Evaluate("candidate", candidate, battery, Shard.Whole, cache, options.InferenceBudget, observer, cancellation);
            candidateEvaluation.Write(Path.Combine(output, CandidateEvaluationFolder));
            var inputs = new DecideInputs(baseEvaluation, candidateEvaluation)
            {
                Models = (baseCheckpoint, candidate), Training = training, MlflowRun = recorder.RunDescription,
                InferenceBudget = options.InferenceBudget,
            };
            return Conclude(DecideStage.Decide(spec, inputs, cache, observer, cancellation), inputs, output, recorder, clock);
        });
    }

    /// <summary>
    /// The decide stage on its own: the verdict from evaluations made elsewhere (<c>gatekeeper eval</c>,
    /// <c>gatekeeper merge</c>), with the models loaded only when the battery compares them directly.
    /// </summary>
    public static GateRun Decide(GateSpec spec, string baseEvaluation, string candidateEvaluation, (string Base, string Candidate)? models,
        string? trainingFile, GateRunOptions options, IGateObserver observer, CancellationToken cancellation = default)
    {
        var clock = Stopwatch.StartNew();
        var output = Output(spec, options);
        var evaluations = (Base: ModelEvaluation.Read(baseEvaluation), Candidate: ModelEvaluation.Read(candidateEvaluation));
        var training = trainingFile is null ? null : TrainedCandidate.ReadRecord(trainingFile);
        return Recorded(spec, options, recorder =>
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
                    MlflowRun = recorder.RunDescription,
                };
                var cache = new EvaluationCache(options.CacheDirectory, options.CodeVersion);
                return Conclude(DecideStage.Decide(spec, inputs, cache, observer, cancellation), inputs, output, recorder, clock);
            }
            finally
            {
                candidate?.Dispose();
                baseCheckpoint?.Dispose();
            }
        });
    }

    /// <summary>The report stage: <c>report.md</c> rendered from a decided gate's model.</summary>
    public static string WriteReport(ReportModel report, string path)
    {
        AtomicFile.WriteAllText(path, ReportRenderer.RenderMarkdown(report));
        return path;
    }

    private static string Output(GateSpec spec, GateRunOptions options)
    {
        var output = Path.GetFullPath(options.OutputDirectory ?? Path.Combine("out", spec.Name));
        Directory.CreateDirectory(output);
        return output;
    }

    /// <summary>Runs <paramref name="gate"/> inside the gate's MLflow run, closing it finished, failed or killed.</summary>
    private static GateRun Recorded(GateSpec spec, GateRunOptions options, Func<MlflowRecorder, GateRun> gate)
    {
        var recorder = new MlflowRecorder(new MlflowFileStore(options.MlflowDirectory), spec, options.Tags, options.CodeVersion);
        var status = MlflowRunStatus.Failed;
        try
        {
            var run = gate(recorder);
            status = MlflowRunStatus.Finished;
            return run;
        }
        catch (OperationCanceledException)
        {
            status = MlflowRunStatus.Killed;
            throw;
        }
        finally
        {
            recorder.End(status);
        }
    }

    /// <summary>Writes what decide and report write, with the gate's time so far, then records the gate in MLflow.</summary>
    private static GateRun Conclude(DecidedGate decided, DecideInputs inputs, string output, MlflowRecorder recorder, Stopwatch clock)
    {
        decided = decided with { Report = decided.Report with { Elapsed = clock.Elapsed } };
        decided.Write(output);
        var reportPath = WriteReport(decided.Report, Path.Combine(output, ReportFile));
        var (baseSha, candidateSha) = (decided.Base.ModelSha256, decided.Candidate.ModelSha256);
        if (inputs.Training is { } training) recorder.RecordTraining(training, candidateSha, baseSha);
        recorder.RecordEvaluation("base", baseSha, decided.Verdict, Path.Combine(output, DecidedGate.BaseOutcomesFile), inputs.Base.Cached);
        recorder.RecordEvaluation("candidate", candidateSha, decided.Verdict, Path.Combine(output, DecidedGate.CandidateOutcomesFile), inputs.Candidate.Cached);
        recorder.RecordVerdict(decided.Verdict, reportPath, [Path.Combine(output, GateResultFile.FileName)]);
        return new GateRun(decided.Verdict, decided.Report, output, reportPath, recorder.ParentRunId);
    }
}
