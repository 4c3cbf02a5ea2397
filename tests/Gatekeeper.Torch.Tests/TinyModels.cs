using Gatekeeper.Torch.Modeling;
using Gatekeeper.Torch.Tokenization;
using Gatekeeper.Torch.Training;

namespace Gatekeeper.Torch.Tests;

/// <summary>Models small enough that a test trains or round-trips one in well under a second.</summary>
internal static class TinyModels
{
    public static readonly ByteTokenizer Tokenizer = new();

    public static GptConfig Config(int context = 48) => new(Tokenizer.VocabSize, context, Layers: 2, Heads: 2, Width: 32);

    public static Gpt Create(int seed = 1, int context = 48)
    {
        TorchSharp.torch.manual_seed(seed);
        var model = new Gpt(Config(context));
        model.InitializeWeights(seed);
        return model;
    }

    /// <summary>Fully fine-tunes a model on one chat turn until it has memorised it.</summary>
    public static void TrainOn(Gpt model, string prompt, string answer, int steps)
    {
        var examples = new[] { TrainingExample.FromChat(Tokenizer, prompt, answer) };
        using var method = new FullFineTuning();
        using var trainer = new Trainer(model, method, new PackedBatcher(new UniformSource(examples), 4, 48, Tokenizer.Padding),
            new TrainingOptions { Steps = steps, LearningRate = 5e-3, ReportEvery = 20 });
        trainer.Run();
    }
}
