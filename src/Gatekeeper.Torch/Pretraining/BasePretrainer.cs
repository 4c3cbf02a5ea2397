using Gatekeeper.Corpus;
using Gatekeeper.Torch.Checkpoints;
using Gatekeeper.Torch.Inference;
using Gatekeeper.Torch.Modeling.Gpt2;
using Gatekeeper.Torch.Tokenization;
using Gatekeeper.Torch.Training;

namespace Gatekeeper.Torch.Pretraining;

/// <summary>
/// Pretrains the embedded default base from a seed on the synthetic capability corpus, probing
/// held-out accuracy as it goes, and writes it as a checkpoint whose manifest carries those scores.
/// </summary>
public static class BasePretrainer
{
    public static CheckpointManifest Run(string outputDirectory, PretrainOptions options, string codeVersion,
        IProgress<TrainingProgress>? progress = null, Action<int, IReadOnlyDictionary<string, double>>? probed = null,
        CancellationToken cancellation = default)
    {
        var tokenizer = new ByteTokenizer();
        var corpus = CapabilityCorpus.General();
        var mixture = new MixtureSource(options.Mixture.Select(part => (
            (IExampleSource)new UniformSource(corpus.Items(part.Key, CorpusSplit.Train).Select(i => TrainingExample.FromItem(tokenizer, i)).ToList()),
            part.Value)));

        TorchSharp.torch.manual_seed(options.Seed);
        using var model = new Gpt2LMHeadModel(Gpt2Config.Tiny(tokenizer.VocabSize));
        model.InitializeWeights(options.Seed);
        var generator = new GreedyGenerator(model, tokenizer);
        var batches = new PackedBatcher(mixture, options.Training.BatchSize, options.Training.SequenceLength, tokenizer.Padding);
        using var method = new FullFineTuning();

        // Train in segments so held-out accuracy can be probed between them; the schedule spans all steps.
        using var trainer = new Trainer(model, method, batches, options.Training with { Seed = options.Seed });
        int every = options.ProbeEvery > 0 ? options.ProbeEvery : options.Training.Steps;
        while (trainer.Step < options.Training.Steps)
        {
            trainer.Advance(every, progress, cancellation);
            if (trainer.Step < options.Training.Steps) probed?.Invoke(trainer.Step, CapabilityProbe.Measure(generator, corpus, options.ProbeSample));
        }

        var scores = CapabilityProbe.Measure(generator, corpus, options.FinalProbeSample);
        probed?.Invoke(trainer.Step, scores);
        var manifest = new CheckpointManifest
        {
            Method = "pretrain",
            Seed = options.Seed,
            CodeVersion = codeVersion,
            DataSha256 = new Dictionary<string, string> { ["capability-corpus"] = CorpusFingerprint(corpus) },
            Training = Describe(options),
            HeldOutScores = scores.ToDictionary(s => s.Key, s => Math.Round(s.Value, 4)),
        };
        return Checkpoint.Save(outputDirectory, model, tokenizer, manifest);
    }

    private static Dictionary<string, string> Describe(PretrainOptions options)
    {
        var t = options.Training;
        var described = new Dictionary<string, string>
        {
            ["steps"] = t.Steps.ToString(System.Globalization.CultureInfo.InvariantCulture),
            ["batch_size"] = t.BatchSize.ToString(System.Globalization.CultureInfo.InvariantCulture),
            ["sequence_length"] = t.SequenceLength.ToString(System.Globalization.CultureInfo.InvariantCulture),
            ["learning_rate"] = t.LearningRate.ToString("R", System.Globalization.CultureInfo.InvariantCulture),
            ["warmup_steps"] = t.WarmupSteps.ToString(System.Globalization.CultureInfo.InvariantCulture),
        };
        foreach (var (capability, share) in options.Mixture)
            described[$"mixture.{capability}"] = share.ToString("R", System.Globalization.CultureInfo.InvariantCulture);
        return described;
    }

    private static string CorpusFingerprint(CapabilityCorpus corpus)
    {
        var text = string.Join("\n", corpus.All.Select(i => $"{i.Id}\t{i.Split}\t{i.Prompt}\t{i.Answer}"));
        return FileHash.Sha256(System.Text.Encoding.UTF8.GetBytes(text));
    }
}
