using System.Diagnostics;
using Gatekeeper.Battery;
using Gatekeeper.Integrations.MLflow;
using Gatekeeper.Reporting;
using Gatekeeper.Specs;
using Gatekeeper.Torch.Checkpoints;
using Gatekeeper.Torch.Compute;
using Gatekeeper.Torch.Evaluation;
using Gatekeeper.Torch.Tokenization;
using Gatekeeper.Torch.Training;
using Gatekeeper.Torch.Training.Lora;
using Gatekeeper.Verdicts;

namespace Gatekeeper.Pipeline;

/// <summary>
/// A whole gate, in the design's one direction: validate the battery, obtain the candidate, evaluate
/// base (cached) and candidate on the same items, decide, report, record. The verdict is data; only
/// bad input and infrastructure failures throw.
/// </summary>
public static class GateRunner
{
    private const int ExamplesPerCheck = 3;

    public static GateRun Run(GateSpec spec, GateRunOptions options, IGateObserver observer, CancellationToken cancellation = default)
    {
        var clock = Stopwatch.StartNew();
        var output = Path.GetFullPath(options.OutputDirectory ?? Path.Combine("out", spec.Name));
        Directory.CreateDirectory(output);

        // Read every task's data first: a malformed file should stop the gate before minutes of training.
        var battery = spec.Battery.Select(task => (task, TaskItemReader.Read(task))).ToList();
        observer.Stage($"Battery: {battery.Count} tasks, {battery.Sum(b => b.Item2.Count)} items.");

        var target = ComputeTarget.From(spec.Compute);
        var recorder = new MlflowRecorder(new MlflowFileStore(options.MlflowDirectory), spec, options.Tags, options.CodeVersion);
        var status = MlflowRunStatus.Failed;
        Checkpoint? baseCheckpoint = null, candidate = null;
        try
        {
            // Each model is loaded once, and both stay loaded: drift compares them side by side.
            observer.Stage($"Loading the base from {spec.Base} ({target}).");
            baseCheckpoint = Checkpoint.Load(spec.Base, target);
            // A prompt format the checkpoint cannot render should stop the gate before minutes of training.
            foreach (var format in spec.Battery.Select(t => t.PromptFormat).Append(spec.Train?.PromptFormat ?? PromptFormat.Plain).Distinct())
                PromptFormats.Apply(baseCheckpoint.Tokenizer, format, baseCheckpoint.Directory);
            (candidate, var training) = ObtainCandidate(spec, baseCheckpoint, target, output, options, observer, cancellation);
            var cache = new EvaluationCache(options.CacheDirectory, options.CodeVersion);

            var singleModel = battery.Where(b => b.Item1.Kind is not Tasks.IComparingTaskKind).ToList();
            var (baseResult, baseSha, baseMethod, baseCached) = Evaluate("base", baseCheckpoint, singleModel, cache, observer, cancellation);
            var (candidateResult, candidateSha, candidateMethod, candidateCached) = Evaluate("candidate", candidate, singleModel, cache, observer, cancellation);
            var drift = DriftStage.Measure(baseCheckpoint, candidate, battery.Where(b => b.Item1.Kind is Tasks.IComparingTaskKind).ToList(),
                spec.Policy.MaxParameterDistance is not null, cache, observer);
            baseResult = baseResult with { Outcomes = [.. baseResult.Outcomes, .. drift.BaseOutcomes] };
            candidateResult = candidateResult with { Outcomes = [.. candidateResult.Outcomes, .. drift.CandidateOutcomes] };
            var baseFile = Path.Combine(output, "outcomes.base.jsonl");
            var candidateFile = Path.Combine(output, "outcomes.candidate.jsonl");
            OutcomeFile.Write(baseFile, baseResult.Outcomes);
            OutcomeFile.Write(candidateFile, candidateResult.Outcomes);

            observer.Stage("Comparing base and candidate.");
            var history = spec.History
                .Select(step => EvaluateEarlier(step, target, battery.Where(b => b.Item1.Name == step.Target).ToList(), cache, observer, cancellation))
                .ToList();
            var verdict = GateDecider.Decide(spec, baseResult, candidateResult, drift.ParameterDistance, history);
            if (training is { } t) recorder.RecordTraining(t.Result, candidateSha, baseSha, options.TrainingThreads);
            recorder.RecordEvaluation("base", baseSha, verdict, baseFile, baseCached);
            recorder.RecordEvaluation("candidate", candidateSha, verdict, candidateFile, candidateCached);

            var report = new ReportModel
            {
                GateName = spec.Name,
                Description = spec.Description,
                Verdict = verdict,
                Base = new ModelInfo("base", baseSha, baseMethod),
                Candidate = new ModelInfo("candidate", candidateSha, candidateMethod),
                Training = training is { } tr ? new TrainingInfo(spec.Train!.Method, spec.Train.Steps, spec.Train.LearningRate, spec.Train.BatchSize,
                    spec.Train.Replay?.Fraction, tr.Result.FinalLoss, tr.Result.Elapsed) { TrainableParameters = tr.Result.TrainableParameters } : null,
                Examples = Examples(verdict, baseResult, candidateResult),
                MlflowRun = $"run {recorder.ParentRunId} in {recorder.Location}",
                Elapsed = clock.Elapsed,
            };
            var reportPath = Path.Combine(output, "report.md");
            AtomicFile.WriteAllText(reportPath, ReportRenderer.RenderMarkdown(report));
            recorder.RecordVerdict(verdict, reportPath, []);
            status = MlflowRunStatus.Finished;
            return new GateRun(verdict, report, output, reportPath, recorder.ParentRunId);
        }
        catch (OperationCanceledException)
        {
            status = MlflowRunStatus.Killed;
            throw;
        }
        finally
        {
            recorder.End(status);
            candidate?.Dispose();
            baseCheckpoint?.Dispose();
        }
    }

    /// <summary>Trains the candidate from the base, or loads the one the spec names; returns the training, if any.</summary>
    private static (Checkpoint Candidate, (CheckpointManifest Manifest, TrainingResult Result)? Training) ObtainCandidate(GateSpec spec,
        Checkpoint baseCheckpoint, ComputeTarget target, string output, GateRunOptions options, IGateObserver observer, CancellationToken cancellation)
    {
        if (spec.TrainCommand is { } command)
            return (LoadGiven(ExternalTrainer.Run(command, spec.Base, Path.Combine(output, "candidate"), observer, cancellation), baseCheckpoint, target, observer), null);
        if (spec.Train is not { } train) return (LoadGiven(spec.Candidate!, baseCheckpoint, target, observer), null);
        observer.Stage($"Fine-tuning the candidate: {train.Method}, {train.Steps} steps, learning rate {train.LearningRate:G3}" +
            (train.Replay is { } r ? $", {r.Fraction:P0} replay" : "") + $", on {options.TrainingThreads} threads.");
        var (trained, result) = CandidateTrainer.Train(baseCheckpoint, train, Path.Combine(output, "candidate"), options,
            observer.Stage, new Progress(observer), cancellation);
        return (trained, (trained.Manifest, result));
    }

    /// <summary>A candidate trained elsewhere: a checkpoint folder, or a PEFT adapter merged over the base.</summary>
    private static Checkpoint LoadGiven(string directory, Checkpoint baseCheckpoint, ComputeTarget target, IGateObserver observer)
    {
        if (PeftAdapter.IsAdapter(directory))
        {
            observer.Stage($"Attaching the LoRA adapter {directory} to a copy of the base.");
            return PeftAdapter.Load(directory, baseCheckpoint);
        }
        observer.Stage($"Loading the candidate from {directory}.");
        return Checkpoint.Load(directory, target, fallbackTokenizer: baseCheckpoint.Tokenizer);
    }

    private static BatteryResult EvaluateEarlier(HistoryStep step, ComputeTarget target, IReadOnlyList<(TaskSpec Task, IReadOnlyList<TaskItem> Items)> battery,
        EvaluationCache cache, IGateObserver observer, CancellationToken cancellation)
    {
        using var checkpoint = Checkpoint.Load(step.Checkpoint, target);
        return Evaluate($"earlier fine-tune for {step.Target}", checkpoint, battery, cache, observer, cancellation).Result;
    }

    private static (BatteryResult Result, string Sha, string Method, bool Cached) Evaluate(string role, Checkpoint checkpoint,
        IReadOnlyList<(TaskSpec Task, IReadOnlyList<TaskItem> Items)> battery, EvaluationCache cache, IGateObserver observer, CancellationToken cancellation)
    {
        var sha = checkpoint.Manifest.ContentSha256;
        var compute = ComputeTarget.Of(checkpoint.Model).ToString();
        var outcomes = new List<ItemOutcome>();
        var missing = new List<(TaskSpec Task, IReadOnlyList<TaskItem> Items, string Key)>();
        foreach (var (task, items) in battery)
        {
            var key = cache.Key(sha, task, compute);
            if (cache.TryGet(key) is { } cached) outcomes.AddRange(cached);
            else missing.Add((task, items, key));
        }
        if (missing.Count == 0)
        {
            if (battery.Count > 0) observer.Stage($"Evaluating the {role} ({sha[..12]}): all {battery.Count} tasks cached.");
            return (new BatteryResult(sha, outcomes), sha, checkpoint.Manifest.Method, true);
        }
        observer.Stage($"Evaluating the {role} ({sha[..12]}) on {missing.Count} tasks" + (missing.Count < battery.Count ? $" ({battery.Count - missing.Count} cached)." : "."));
        var fresh = BatteryEvaluator.Evaluate(checkpoint, role, missing.Select(m => (m.Task, m.Items)).ToList(), new Progress(observer), cancellation);
        foreach (var (task, _, key) in missing) cache.Put(key, fresh.ForTask(task.Name));
        outcomes.AddRange(fresh.Outcomes);
        // Keep the battery's order whatever came from the cache.
        var order = battery.Select((b, i) => (b.Task.Name, i)).ToDictionary(x => x.Name, x => x.i);
        return (new BatteryResult(sha, outcomes.OrderBy(o => order[o.Task]).ToList()), sha, checkpoint.Manifest.Method, false);
    }

    private static List<RegressionExample> Examples(Verdict verdict, BatteryResult baseResult, BatteryResult candidateResult)
    {
        var examples = new List<RegressionExample>();
        var candidates = candidateResult.Outcomes.ToDictionary(o => (o.Task, o.ItemId));
        foreach (var check in verdict.Checks.Where(c => c.Outcome is CheckOutcome.Fail or CheckOutcome.Inconclusive))
        {
            var regressed = baseResult.ForTask(check.Task)
                .Where(b => candidates.TryGetValue((b.Task, b.ItemId), out var c) && b.Correct && !c.Correct && check.Metric.Includes(b.Label))
                .Take(ExamplesPerCheck);
            examples.AddRange(regressed.Select(b => new RegressionExample(check.Name, b.Prompt, b.Expected, b.Output, candidates[(b.Task, b.ItemId)].Output)));
        }
        return examples;
    }

    /// <summary>Forwards training and evaluation progress to the observer.</summary>
    private sealed class Progress(IGateObserver observer) : IProgress<TrainingProgress>, IProgress<EvaluationProgress>
    {
        public void Report(TrainingProgress value) => observer.Training(value);

        public void Report(EvaluationProgress value) => observer.Evaluation(value);
    }
}
