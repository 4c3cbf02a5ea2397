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
    /// <param name="cacheDirectory">Where estimates worth keeping (an EWC Fisher) are cached.</param>
    /// <param name="codeVersion">Recorded in the manifest.</param>
    /// <param name="stage">Told what is happening before training starts.</param>
    /// <param name="progress">Training progress.</param>
    /// <param name="cancellation">Stops training at its next step.</param>
    public static (Checkpoint Candidate, TrainingResult Result) Train(Checkpoint checkpoint, TrainSpec spec, string outputDirectory, string cacheDirectory,
        string codeVersion, Action<string> stage, IProgress<TrainingProgress>? progress, CancellationToken cancellation)
    {
        var key = TrainedCandidate.Key(checkpoint, spec, codeVersion);
        if (TrainedCandidate.TryReuse(outputDirectory, key, checkpoint) is { } reused)
        {
            stage($"Reusing the candidate trained before in {outputDirectory}: the base, training spec, data, code and threads are unchanged.");
            return reused;
        }
        var tokenizer = checkpoint.Tokenizer;
        var framing = PromptFormats.Apply(tokenizer, spec.PromptFormat, checkpoint.Directory);
        var rowLength = spec.RowLength(checkpoint.Model.Config.ContextLength);
        var target = new UniformSource(ReadExamples(spec.Data, spec.Fields, rowLength, framing));
        IExampleSource source = spec.Replay is { } replay
            ? new MixtureSource([(target, 1 - replay.Fraction), (new UniformSource(ReadExamples(replay.Data, new FieldMapping(), rowLength, framing)), replay.Fraction)])
            : target;
        var options = new TrainingOptions
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
        var model = Torch.Compute.ComputeTarget.Of(checkpoint.Model).Copy(checkpoint.Model);
        TorchSharp.torch.manual_seed(spec.Seed);
        try
        {
            FisherDiagonal Fisher(CausalLanguageModel start) => EstimateFisher(start, checkpoint, spec, rowLength, framing, cacheDirectory, stage, cancellation);
            var (manifest, result) = TrainCopy(model, checkpoint, spec, source, options, outputDirectory, codeVersion, key, Fisher, stage, progress, cancellation);
            TrainedCandidate.Record(outputDirectory, result);
            if (Directory.Exists(ResumeFolder(outputDirectory))) Directory.Delete(ResumeFolder(outputDirectory), recursive: true);
            return (new Checkpoint(model, tokenizer, manifest, checkpoint.ConfigSource, outputDirectory), result);
        }
        catch
        {
            model.Dispose();
            throw;
        }
    }

    private static (CheckpointManifest, TrainingResult) TrainCopy(CausalLanguageModel model, Checkpoint checkpoint, TrainSpec spec, IExampleSource source,
        TrainingOptions options, string outputDirectory, string codeVersion, string key, Func<CausalLanguageModel, FisherDiagonal> fisher,
        Action<string> stage, IProgress<TrainingProgress>? progress, CancellationToken cancellation)
    {
        var tokenizer = checkpoint.Tokenizer;
        using var method = TrainingMethods.Create(spec, fisher);
        using var trainer = new Trainer(model, method, new PackedBatcher(source, options.BatchSize, options.SequenceLength, tokenizer.Padding), options);
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

    /// <summary>The base's Fisher diagonal on the EWC data, from the cache when the base, data and settings are unchanged.</summary>
    private static FisherDiagonal EstimateFisher(CausalLanguageModel model, Checkpoint checkpoint, TrainSpec spec, int rowLength, ITokenizer framing,
        string cacheDirectory, Action<string> stage, CancellationToken cancellation)
    {
        var ewc = spec.Ewc!;
        var key = FileHash.Sha256(System.Text.Encoding.UTF8.GetBytes(
            $"fisher:1\nbase:{checkpoint.Manifest.ContentSha256}\ncompute:{Torch.Compute.ComputeTarget.Of(model)}\ndata:{FileHash.Sha256(ewc.FisherData)}\n" +
            $"batches:{ewc.FisherBatches}\nbatch_size:{ewc.FisherBatchSize}\nrow:{rowLength}\nformat:{spec.PromptFormat}\nseed:{spec.Seed}\n"));
        var fisher = new FisherCache(cacheDirectory).GetOrEstimate(key, model, () =>
        {
            stage($"Estimating the Fisher diagonal for EWC: {ewc.FisherBatches} batches of {ewc.FisherBatchSize} rows of {Path.GetFileName(ewc.FisherData)}.");
            var examples = ReadExamples(ewc.FisherData, new FieldMapping(), rowLength, framing);
            return FisherDiagonal.Estimate(model, new PackedBatcher(new UniformSource(examples), ewc.FisherBatchSize, rowLength, framing.Padding), ewc.FisherBatches, spec.Seed, cancellation);
        }, out bool cached);
        if (cached) stage($"EWC: the base's Fisher diagonal on {Path.GetFileName(ewc.FisherData)} comes from the cache.");
        return fisher;
    }

    private static List<TrainingExample> ReadExamples(string path, FieldMapping fields, int rowLength, ITokenizer framing)
    {
        var examples = new List<TrainingExample>();
        int longest = rowLength + 1;   // a row holds T inputs and, shifted by one, T targets
        foreach (var row in DataFile.Read(path))
        {
            string Text(string field) => row.Fields.TryGetValue(field, out var v) && v.ValueKind == System.Text.Json.JsonValueKind.String
                ? v.GetString()!
                : throw new BadInputException(path, row.Line, $"no text field '{field}'. Training rows need a prompt and an answer; map other columns with 'fields'.");
            var example = TrainingExample.FromChat(framing, Text(fields.Prompt), Text(fields.Answer));
            if (example.Length > longest)
                throw new BadInputException(path, row.Line, $"the example is {example.Length} tokens, longer than a training row of {rowLength} (the model's context, or train.sequence_length). Shorten it, or raise sequence_length.");
            examples.Add(example);
        }
        if (examples.Count == 0) throw new BadInputException(path, null, "no training examples.");
        return examples;
    }
}
