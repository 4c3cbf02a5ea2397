using Gatekeeper.Battery;
using Gatekeeper.Specs;
using Gatekeeper.Torch.Checkpoints;
using Gatekeeper.Torch.Modeling;
using Gatekeeper.Torch.Tokenization;
using Gatekeeper.Torch.Training.Ewc;
using Gatekeeper.Torch.Training;

namespace Gatekeeper.Pipeline;

/// <summary>
/// Fine-tunes a candidate from the base as the gate spec says, and saves it as a checkpoint. The
/// base stays as it was: training works on a copy of its weights, on the same device and dtype.
/// </summary>
public static class CandidateTrainer
{
    /// <param name="checkpoint">The base; left as it was.</param>
    /// <param name="spec">The spec's train section.</param>
    /// <param name="outputDirectory">Where the candidate is written.</param>
    /// <param name="options">The cache (for an EWC Fisher), the code version and the training's thread count.</param>
    /// <param name="stage">Told what is happening before training starts.</param>
    /// <param name="progress">Training progress.</param>
    /// <param name="cancellation">Stops training at its next step.</param>
    public static (Checkpoint Candidate, TrainingRecord Training) Train(Checkpoint checkpoint, TrainSpec spec, string outputDirectory, GateRunOptions options,
        Action<string> stage, IProgress<TrainingProgress>? progress, CancellationToken cancellation)
    {
        var (cacheDirectory, codeVersion) = (options.CacheDirectory, options.CodeVersion);
        var key = TrainedCandidate.Key(checkpoint, spec, codeVersion, options.TrainingThreads);
        if (TrainedCandidate.TryReuse(outputDirectory, key, checkpoint) is { } reused)
        {
            stage($"Reusing the candidate trained before in {outputDirectory}: the base, training spec, data, code and threads are unchanged.");
            return reused;
        }
        var tokenizer = checkpoint.Tokenizer;
        var framing = PromptFormats.Apply(tokenizer, spec.PromptFormat, checkpoint.Directory);
        var rowLength = spec.RowLength(checkpoint.Model.Config.ContextLength);
        var target = new UniformSource(ReadExamples(spec.Data, spec.Fields, rowLength, framing));
        var batches = spec.Replay is { } replay
            ? new PackedBatcher(target, new UniformSource(ReadExamples(replay.Data, new FieldMapping(), rowLength, framing)), replay.Fraction, spec.BatchSize, rowLength, tokenizer.Padding)
            : new PackedBatcher(target, spec.BatchSize, rowLength, tokenizer.Padding);
        var training = new TrainingOptions
        {
            Steps = spec.Steps,
            BatchSize = spec.BatchSize,
            SequenceLength = rowLength,
            LearningRate = spec.LearningRate,
            WarmupSteps = spec.WarmupSteps,
            FinalLearningRateFraction = spec.Schedule == LearningRateShape.Cosine ? spec.MinLearningRateFraction : 1.0,
            WeightDecay = spec.WeightDecay,
            ClipNorm = spec.ClipNorm,
            GradientAccumulation = spec.GradientAccumulation,
            Seed = spec.Seed,
            ReportEvery = Math.Max(1, Math.Min(25, spec.Steps / 10)),
        };
        using var threads = Torch.Compute.TorchThreads.Use(options.TrainingThreads);
        var started = DateTimeOffset.UtcNow;
        var model = Torch.Compute.ComputeTarget.Of(checkpoint.Model).Copy(checkpoint.Model);
        TorchSharp.torch.manual_seed(spec.Seed);
        try
        {
            FisherDiagonal Fisher(CausalLanguageModel start) => EstimateFisher(start, checkpoint, spec, rowLength, framing, cacheDirectory, stage, cancellation);
            var (manifest, result) = TrainCopy(model, checkpoint, spec, batches, training, outputDirectory, codeVersion, key, Fisher, stage, progress, cancellation);
            var record = new TrainingRecord(result, options.TrainingThreads, started, DateTimeOffset.UtcNow);
            TrainedCandidate.Record(outputDirectory, record);
            if (Directory.Exists(ResumeFolder(outputDirectory))) Directory.Delete(ResumeFolder(outputDirectory), recursive: true);
            return (new Checkpoint(model, tokenizer, manifest, checkpoint.ConfigSource, outputDirectory), record);
        }
        catch
        {
            model.Dispose();
            throw;
        }
    }

    private static (CheckpointManifest, TrainingResult) TrainCopy(CausalLanguageModel model, Checkpoint checkpoint, TrainSpec spec, PackedBatcher batches,
        TrainingOptions options, string outputDirectory, string codeVersion, string key, Func<CausalLanguageModel, FisherDiagonal> fisher,
        Action<string> stage, IProgress<TrainingProgress>? progress, CancellationToken cancellation)
    {
        using var method = TrainingMethods.Create(spec, fisher);
        using var trainer = new Trainer(model, method, batches, options);
        // An interrupted run (Ctrl-C, SIGTERM, a CI cancel) leaves its state beside the candidate; the
        // same training started again continues from it to the weights an uninterrupted run reaches.
        var resume = ResumeFolder(outputDirectory);
        var resumeKey = Path.Combine(resume, "training_key");
        if (File.Exists(resumeKey) && File.ReadAllText(resumeKey) == key)
        {
            trainer.LoadState(resume);
            stage($"Resuming the interrupted training at step {trainer.Step} of {options.Steps} (state in {resume}).");
        }
        TrainingResult result;
        try
        {
            result = trainer.Run(progress, cancellation);
        }
        catch (OperationCanceledException) when (trainer.Step > 0)
        {
            trainer.SaveState(resume);
            File.WriteAllText(resumeKey, key);
            stage($"Training stopped at step {trainer.Step} of {options.Steps}; its state is in {resume}, and running the gate again continues from there.");
            throw;
        }

        var data = new Dictionary<string, string> { ["train"] = FileHash.Sha256(spec.Data) };
        if (spec.Replay is not null) data["replay"] = FileHash.Sha256(spec.Replay.Data);
        var manifest = new CheckpointManifest
        {
            ParentSha256 = checkpoint.Manifest.ContentSha256,
            Method = method.Name,
            Seed = spec.Seed,
            DataSha256 = data,
            CodeVersion = codeVersion,
            Training = new Dictionary<string, string>
            {
                ["steps"] = spec.Steps.ToString(System.Globalization.CultureInfo.InvariantCulture),
                ["batch_size"] = spec.BatchSize.ToString(System.Globalization.CultureInfo.InvariantCulture),
                ["sequence_length"] = options.SequenceLength.ToString(System.Globalization.CultureInfo.InvariantCulture),
                ["learning_rate"] = spec.LearningRate.ToString("R", System.Globalization.CultureInfo.InvariantCulture),
                ["replay_fraction"] = (spec.Replay?.Fraction ?? 0).ToString("R", System.Globalization.CultureInfo.InvariantCulture),
                ["prompt_format"] = spec.PromptFormat.ToString().ToLowerInvariant(),
                ["ewc_lambda"] = (spec.Ewc?.Lambda ?? 0).ToString("R", System.Globalization.CultureInfo.InvariantCulture),
                ["threads"] = TorchSharp.torch.get_num_threads().ToString(System.Globalization.CultureInfo.InvariantCulture),
                [TrainedCandidate.KeyName] = key,
            },
        };
        return (method.Save(outputDirectory, model, checkpoint, manifest), result);
    }

    /// <summary>Where an interrupted training of this candidate keeps its state.</summary>
    private static string ResumeFolder(string outputDirectory) => outputDirectory.TrimEnd(Path.DirectorySeparatorChar) + ".resume";

    /// <summary>
    /// The Fisher diagonal of EWC's penalty: the base's on the EWC data and, for online EWC, each
    /// earlier fine-tune's on its own data, decayed by age. Each comes from the cache when its model,
    /// data and settings are unchanged.
    /// </summary>
    private static FisherDiagonal EstimateFisher(CausalLanguageModel model, Checkpoint checkpoint, TrainSpec spec, int rowLength, ITokenizer framing,
        string cacheDirectory, Action<string> stage, CancellationToken cancellation)
    {
        var ewc = spec.Ewc!;
        var fisher = CachedFisher("the base's", model, checkpoint.Manifest.ContentSha256, ewc.FisherData, spec, rowLength, framing, cacheDirectory, stage, cancellation);
        if (ewc.OnlineDecay is not { } decay) return fisher;
        try
        {
            for (int k = 0; k < ewc.Chain.Count; k++)
            {
                var earlier = ewc.Chain[k];
                double weight = Math.Pow(decay, ewc.Chain.Count - 1 - k);   // the newest fine-tune counts fully
                Checkpoint step;
                try
                {
                    step = Checkpoint.Load(earlier.Checkpoint, Torch.Compute.ComputeTarget.Of(model), fallbackTokenizer: checkpoint.Tokenizer);
                }
                catch (InvalidDataException e)
                {
                    throw new BadInputException(earlier.Checkpoint, null, $"history[{k}] for online EWC: {e.Message}");
                }
                using (step)
                {
                    if (ParameterMismatch(model, step.Model) is { } mismatch)
                        throw new BadInputException(earlier.Checkpoint, null,
                            $"history[{k}] for online EWC: its parameters differ from the base's ({mismatch}). Every fine-tune of the chain must share the base's architecture.");
                    using var stepFisher = CachedFisher($"history[{k}]'s", step.Model, step.Manifest.ContentSha256, earlier.Data, spec, rowLength, framing, cacheDirectory, stage, cancellation);
                    fisher.Accumulate(stepFisher, weight);
                }
            }
        }
        catch
        {
            fisher.Dispose();
            throw;
        }
        stage($"Online EWC: the base's Fisher plus {ewc.Chain.Count} earlier fine-tunes', decayed by {decay:G3} a step (the newest counts fully).");
        return fisher;
    }

    /// <summary>The first parameter whose name or shape differs between the two models; null when they match.</summary>
    private static string? ParameterMismatch(CausalLanguageModel expected, CausalLanguageModel actual)
    {
        var shapes = actual.named_parameters().ToDictionary(p => p.name, p => p.parameter.shape);
        foreach (var (name, parameter) in expected.named_parameters())
        {
            if (!shapes.Remove(name, out var shape)) return $"it has no '{name}'";
            if (!shape.SequenceEqual(parameter.shape)) return $"'{name}' is [{string.Join(", ", shape)}], the base's [{string.Join(", ", parameter.shape)}]";
        }
        return shapes.Count > 0 ? $"it has '{shapes.Keys.First()}', which the base has not" : null;
    }

    /// <summary>One model's Fisher diagonal on <paramref name="data"/>, cached under its content hash, the data's hash and the settings.</summary>
    private static FisherDiagonal CachedFisher(string whose, CausalLanguageModel model, string contentSha256, string data, TrainSpec spec, int rowLength,
        ITokenizer framing, string cacheDirectory, Action<string> stage, CancellationToken cancellation)
    {
        var ewc = spec.Ewc!;
        var key = FileHash.Sha256(System.Text.Encoding.UTF8.GetBytes(
            $"fisher:1\nbase:{contentSha256}\ncompute:{Torch.Compute.ComputeTarget.Of(model)}\ndata:{FileHash.Sha256(data)}\n" +
            $"batches:{ewc.FisherBatches}\nbatch_size:{ewc.FisherBatchSize}\nrow:{rowLength}\nformat:{spec.PromptFormat}\nseed:{spec.Seed}\n"));
        var fisher = new FisherCache(cacheDirectory).GetOrEstimate(key, model, () =>
        {
            stage($"Estimating {whose} Fisher diagonal for EWC: {ewc.FisherBatches} batches of {ewc.FisherBatchSize} rows of {Path.GetFileName(data)}.");
            var examples = ReadExamples(data, new FieldMapping(), rowLength, framing);
            return FisherDiagonal.Estimate(model, new PackedBatcher(new UniformSource(examples), ewc.FisherBatchSize, rowLength, framing.Padding), ewc.FisherBatches, spec.Seed, cancellation);
        }, out bool cached);
        if (cached) stage($"EWC: {whose} Fisher diagonal on {Path.GetFileName(data)} comes from the cache.");
        return fisher;
    }

    private static List<TrainingExample> ReadExamples(string path, FieldMapping fields, int rowLength, ITokenizer framing)
    {
        int longest = rowLength + 1;   // a row holds T inputs and, shifted by one, T targets
        return [.. TrainingRows.Read(path, fields).Select(row =>
        {
            var example = TrainingExample.FromChat(framing, row.Prompt, row.Answer);
            return example.Length <= longest ? example
                : throw new BadInputException(path, row.Line, $"the example is {example.Length} tokens, longer than a training row of {rowLength} (the model's context, or train.sequence_length). Shorten it, or raise sequence_length.");
        })];
    }
}
