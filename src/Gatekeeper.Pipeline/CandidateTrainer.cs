using Gatekeeper.Battery;
using Gatekeeper.Specs;
using Gatekeeper.Torch.Checkpoints;
using Gatekeeper.Torch.Training;

namespace Gatekeeper.Pipeline;

/// <summary>Fine-tunes a candidate from the base as the gate spec says, and saves it as a checkpoint.</summary>
public static class CandidateTrainer
{
    public static (CheckpointManifest Manifest, TrainingResult Result) Train(string baseDirectory, TrainSpec spec, string outputDirectory,
        string codeVersion, IProgress<TrainingProgress>? progress, CancellationToken cancellation)
    {
        using var checkpoint = Checkpoint.Load(baseDirectory);
        var tokenizer = checkpoint.Tokenizer;
        var target = new UniformSource(ReadExamples(spec.Data, spec.Fields, checkpoint));
        IExampleSource source = spec.Replay is { } replay
            ? new MixtureSource([(target, 1 - replay.Fraction), (new UniformSource(ReadExamples(replay.Data, new FieldMapping(), checkpoint)), replay.Fraction)])
            : target;
        var options = new TrainingOptions
        {
            Steps = spec.Steps,
            BatchSize = spec.BatchSize,
            SequenceLength = checkpoint.Model.Config.ContextLength,
            LearningRate = spec.LearningRate,
            Seed = spec.Seed,
            ReportEvery = Math.Max(1, Math.Min(25, spec.Steps / 10)),
        };
        TorchSharp.torch.manual_seed(spec.Seed);
        using var method = TrainingMethods.Create(spec.Method);
        using var trainer = new Trainer(checkpoint.Model, method, new PackedBatcher(source, options.BatchSize, options.SequenceLength, tokenizer.Padding), options);
        var result = trainer.Run(progress, cancellation);

        var data = new Dictionary<string, string> { ["train"] = Checkpoint.Sha256(File.ReadAllBytes(spec.Data)) };
        if (spec.Replay is not null) data["replay"] = Checkpoint.Sha256(File.ReadAllBytes(spec.Replay.Data));
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
                ["learning_rate"] = spec.LearningRate.ToString("R", System.Globalization.CultureInfo.InvariantCulture),
                ["replay_fraction"] = (spec.Replay?.Fraction ?? 0).ToString("R", System.Globalization.CultureInfo.InvariantCulture),
            },
        };
        return (Checkpoint.Save(outputDirectory, checkpoint.Model, tokenizer, manifest), result);
    }

    private static List<TrainingExample> ReadExamples(string path, FieldMapping fields, Checkpoint checkpoint)
    {
        var examples = new List<TrainingExample>();
        int context = checkpoint.Model.Config.ContextLength + 1;
        foreach (var row in DataFile.Read(path))
        {
            string Text(string field) => row.Fields.TryGetValue(field, out var v) && v.ValueKind == System.Text.Json.JsonValueKind.String
                ? v.GetString()!
                : throw new BadInputException(path, row.Line, $"no text field '{field}'. Training rows need a prompt and an answer; map other columns with 'fields'.");
            var example = TrainingExample.FromChat(checkpoint.Tokenizer, Text(fields.Prompt), Text(fields.Answer));
            if (example.Length > context)
                throw new BadInputException(path, row.Line, $"the example is {example.Length} tokens, longer than the model's context of {context - 1}. Shorten it.");
            examples.Add(example);
        }
        if (examples.Count == 0) throw new BadInputException(path, null, "no training examples.");
        return examples;
    }
}
