using Gatekeeper.Battery;
using Gatekeeper.Reporting;
using Gatekeeper.Specs;
using Gatekeeper.Tasks;
using Gatekeeper.Torch.Checkpoints;
using Gatekeeper.Torch.Compute;
using Gatekeeper.Torch.Inference;
using Gatekeeper.Verdicts;

namespace Gatekeeper.Pipeline;

/// <summary>What the decide stage is given: both models' evaluations, and what it needs besides for the checks that look at both models at once.</summary>
public sealed record DecideInputs(ModelEvaluation Base, ModelEvaluation Candidate)
{
    /// <summary>Both models, loaded: needed when the battery has drift tasks or the policy a parameter-distance ceiling.</summary>
    public (Checkpoint Base, Checkpoint Candidate)? Models { get; init; }

    /// <summary>How the candidate was trained, when the gate trained it.</summary>
    public TrainingRecord? Training { get; init; }

    /// <summary>Where the gate's records go, as the report names it.</summary>
    public string? MlflowRun { get; init; }

    /// <summary>The batches the spec's earlier fine-tunes are evaluated in.</summary>
    public InferenceBudget InferenceBudget { get; init; } = InferenceBudget.Default;
}

/// <summary>The decided gate: the report model (verdict included) and each model's complete outcomes, drift included.</summary>
public sealed record DecidedGate(ReportModel Report, BatteryResult Base, BatteryResult Candidate)
{
    public const string BaseOutcomesFile = "outcomes.base.jsonl";
    public const string CandidateOutcomesFile = "outcomes.candidate.jsonl";

    public Verdict Verdict => Report.Verdict;

    /// <summary>Writes both outcome files and <c>gate-result.json</c> into <paramref name="output"/>.</summary>
    public void Write(string output)
    {
        Directory.CreateDirectory(output);
        OutcomeFile.Write(Path.Combine(output, BaseOutcomesFile), Base.Outcomes);
        OutcomeFile.Write(Path.Combine(output, CandidateOutcomesFile), Candidate.Outcomes);
        GateResultFile.Write(Path.Combine(output, GateResultFile.FileName), Report);
    }
}

/// <summary>
/// The decide stage: base's and candidate's evaluations in, the verdict out. It refuses evaluations
/// that do not belong together (shards not merged, another battery, device or program version,
/// models other than the ones evaluated), measures what needs both models (drift, parameter
/// distance) and evaluates the spec's earlier fine-tunes, then applies the policy.
/// </summary>
public static class DecideStage
{
    private const int ExamplesPerCheck = 3;

    public static DecidedGate Decide(GateSpec spec, DecideInputs inputs, EvaluationCache cache, IGateObserver observer, CancellationToken cancellation)
    {
        Check(spec, inputs, cache);
        var battery = spec.Battery.Where(t => t.Kind is IComparingTaskKind).Select(t => (t, TaskItemReader.Read(t))).ToList();
        var drift = inputs.Models is var (baseModel, candidateModel)
            ? DriftStage.Measure(baseModel, candidateModel, [.. battery.Select(b => (b.t, b.Item2))], spec.Policy.MaxParameterDistance is not null, cache, observer)
            : new DriftStage.Result([], [], null);
        var baseResult = new BatteryResult(inputs.Base.Manifest.ModelSha256, [.. inputs.Base.Outcomes, .. drift.BaseOutcomes]);
        var candidateResult = new BatteryResult(inputs.Candidate.Manifest.ModelSha256, [.. inputs.Candidate.Outcomes, .. drift.CandidateOutcomes]);

        observer.Stage("Comparing base and candidate.");
        var history = spec.History.Select(step => EvaluateEarlier(spec, step, cache, inputs.InferenceBudget, observer, cancellation)).ToList();
        var verdict = GateDecider.Decide(spec, baseResult, candidateResult, drift.ParameterDistance, history);
        var report = new ReportModel
        {
            GateName = spec.Name,
            Description = spec.Description,
            Verdict = verdict,
            Base = new ModelInfo("base", inputs.Base.Manifest.ModelSha256, inputs.Base.Manifest.ModelMethod),
            Candidate = new ModelInfo("candidate", inputs.Candidate.Manifest.ModelSha256, inputs.Candidate.Manifest.ModelMethod),
            Training = inputs.Training is { } record && spec.Train is { } train
                ? new TrainingInfo(train.Method, train.Steps, train.LearningRate, train.BatchSize, train.Replay?.Fraction, record.Result.FinalLoss, record.Result.Elapsed)
                    { TrainableParameters = record.Result.TrainableParameters, LossCurve = [.. record.Result.LossByStep.Select(p => new StepLoss(p.Step, p.Loss))] }
                : null,
            Examples = Examples(verdict, baseResult, candidateResult),
            MlflowRun = inputs.MlflowRun,
        };
        return new DecidedGate(report, baseResult, candidateResult);
    }

    /// <summary>The tasks and checks that need both models loaded, in words; empty when the evaluations alone decide the gate.</summary>
    public static IReadOnlyList<string> NeedsModels(GateSpec spec) =>
    [
        .. spec.Battery.Where(t => t.Kind is IComparingTaskKind).Select(t => $"task '{t.Name}' ({t.Kind.Name})"),
        .. spec.Policy.MaxParameterDistance is not null ? ["policy max_parameter_distance"] : Array.Empty<string>(),
    ];

    private static void Check(GateSpec spec, DecideInputs inputs, EvaluationCache cache)
    {
        var tasks = spec.Battery.Where(t => t.Kind is not IComparingTaskKind).ToList();
        foreach (var (role, evaluation) in new[] { ("base", inputs.Base), ("candidate", inputs.Candidate) })
        {
            var manifest = evaluation.Manifest;
            string where = $"the {role}'s evaluation ({ShardManifest.FileName})";
            if (!manifest.IsWhole)
                throw new BadInputException(role, null, $"{where} is shard {manifest.Shard} of {manifest.Of}; merge the shards first ('gatekeeper merge').");
            if (manifest.CodeVersion != cache.CodeVersion)
                throw new BadInputException(role, null, $"{where} was made by Gatekeeper {manifest.CodeVersion}, this is {cache.CodeVersion}; evaluate again with this version.");
            if (manifest.BatterySha256 != EvaluationStage.BatteryIdentity(tasks, manifest.Compute, cache))
                throw new BadInputException(role, null, $"{where} was made on another battery than {spec.SourceFile}'s (a task's definition or data differs); evaluate it again with this spec.");
        }
        if (inputs.Models is var (baseModel, candidateModel))
        {
            foreach (var (role, model, evaluated) in new[] { ("base", baseModel, inputs.Base), ("candidate", candidateModel, inputs.Candidate) })
            {
                if (model.Manifest.ContentSha256 != evaluated.Manifest.ModelSha256)
                    throw new BadInputException(model.Directory, null,
                        $"this {role} model is {model.Manifest.ContentSha256[..12]}, but the {role}'s evaluation was made with {evaluated.Manifest.ModelSha256[..12]}; give the model that was evaluated.");
            }
        }
        else if (NeedsModels(spec) is { Count: > 0 } needs)
        {
            throw new BadInputException(spec.SourceFile, null,
                $"{string.Join(" and ", needs)} compare the two models directly; give both with --base-model and --candidate-model.");
        }
    }

    private static BatteryResult EvaluateEarlier(GateSpec spec, HistoryStep step, EvaluationCache cache, InferenceBudget budget, IGateObserver observer,
        CancellationToken cancellation)
    {
        using var checkpoint = Checkpoint.Load(step.Checkpoint, ComputeTarget.From(spec.Compute));
        var tasks = spec.Battery.Where(t => t.Name == step.Target).Select(t => (t, TaskItemReader.Read(t))).ToList();
        return EvaluationStage.Evaluate($"earlier fine-tune for {step.Target}", checkpoint, tasks, Shard.Whole, cache, budget, observer, cancellation).AsResult();
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
}
