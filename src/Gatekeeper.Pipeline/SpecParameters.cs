using System.Globalization;
using Gatekeeper.Specs;

namespace Gatekeeper.Pipeline;

/// <summary>The gate spec flattened to MLflow params: "train.learning_rate", "battery.facts.kind", "policy.general.max_drop".</summary>
public static class SpecParameters
{
    public static IReadOnlyDictionary<string, string> Flatten(GateSpec spec)
    {
        var p = new SortedDictionary<string, string>(StringComparer.Ordinal)
        {
            ["gate.name"] = spec.Name,
            ["gate.seed"] = I(spec.Seed),
            ["base"] = spec.Base,
            ["candidate.source"] = spec.Train is not null ? "train" : spec.TrainCommand is not null ? "command" : "checkpoint",
            ["compute.device"] = spec.Compute.Device,
            ["compute.dtype"] = spec.Compute.DType,
            ["policy.confidence"] = D(spec.Policy.Confidence),
            ["policy.inconclusive"] = spec.Policy.Inconclusive.ToString().ToLowerInvariant(),
            ["policy.min_items"] = I(spec.Policy.MinItems),
        };
        // Every margin the kinds declare, as set or by default: a run's params say what it was judged by.
        foreach (var key in GatePolicy.Keys)
            if ((spec.Policy.Margins.TryGetValue(key.Path, out var value) ? value : key.Default) is { } set) p[$"policy.{key.Path}"] = D(set);
        if (spec.Policy.MaxParameterDistance is { } distance) p["policy.drift.max_parameter_distance"] = D(distance);
        if (spec.Candidate is not null) p["candidate"] = spec.Candidate;
        if (spec.Promote is { } promote)
        {
            p["promote.model"] = promote.Model;
            p["promote.alias"] = promote.Alias;
        }
        if (spec.TrainCommand is { } command)
        {
            p["train.command"] = string.Join(' ', command.Command);
            p["train.data"] = command.Data;
            p["train.timeout_minutes"] = D(command.TimeoutMinutes);
        }
        if (spec.Train is { } t)
        {
            p["train.method"] = t.Method;
            p["train.data"] = t.Data;
            p["train.steps"] = I(t.Steps);
            p["train.batch_size"] = I(t.BatchSize);
            if (t.SequenceLength is { } length) p["train.sequence_length"] = I(length);
            p["train.learning_rate"] = D(t.LearningRate);
            p["train.warmup_steps"] = I(t.WarmupSteps);
            p["train.lr_schedule"] = t.Schedule.ToString().ToLowerInvariant();
            p["train.min_lr_fraction"] = D(t.MinLearningRateFraction);
            p["train.weight_decay"] = D(t.WeightDecay);
            p["train.clip_norm"] = D(t.ClipNorm);
            p["train.gradient_accumulation"] = I(t.GradientAccumulation);
            p["train.seed"] = I(t.Seed);
            p["train.prompt_format"] = t.PromptFormat.ToString().ToLowerInvariant();
            if (t.Ewc is { } ewc)
            {
                p["train.ewc.lambda"] = D(ewc.Lambda);
                p["train.ewc.fisher_data"] = ewc.FisherData;
                p["train.ewc.fisher_batches"] = I(ewc.FisherBatches);
                p["train.ewc.fisher_batch_size"] = I(ewc.FisherBatchSize);
            }
            if (t.Lora is { } lora)
            {
                p["train.lora.r"] = I(lora.Rank);
                p["train.lora.alpha"] = D(lora.Alpha);
                p["train.lora.dropout"] = D(lora.Dropout);
                p["train.lora.target_modules"] = lora.TargetPattern ?? string.Join(",", lora.TargetModules);
                p["train.lora.merge"] = lora.Merge ? "true" : "false";
            }
            p["train.replay.fraction"] = D(t.Replay?.Fraction ?? 0);
            if (t.Replay is not null) p["train.replay.data"] = t.Replay.Data;
        }
        foreach (var task in spec.Battery)
        {
            p[$"battery.{task.Name}.category"] = task.Category.ToString().ToLowerInvariant();
            p[$"battery.{task.Name}.kind"] = task.Kind.Name;
            p[$"battery.{task.Name}.version"] = I(task.Version);
            p[$"battery.{task.Name}.data"] = task.Data;
            p[$"battery.{task.Name}.prompt_format"] = task.PromptFormat.ToString().ToLowerInvariant();
        }
        foreach (var (task, margins) in spec.Policy.Tasks)
            foreach (var (name, value) in margins) p[$"policy.tasks.{task}.{name}"] = D(value);
        return p;
    }

    private static string I(int value) => value.ToString(CultureInfo.InvariantCulture);

    private static string D(double value) => value.ToString("R", CultureInfo.InvariantCulture);
}
