using Gatekeeper.Torch.Modeling;
using Gatekeeper.Torch.Modeling.Gpt2;
using Gatekeeper.Torch.Tokenization;
using Gatekeeper.Torch.Training;

namespace Gatekeeper.Torch.Tests;

/// <summary>Models small enough that a test trains or round-trips one in well under a second.</summary>
internal static class TinyModels
{
    public static readonly ByteTokenizer Tokenizer = new();

    public static Gpt2Config Config(int context = 48) => Gpt2Config.Small(Tokenizer.VocabSize, context, layers: 2, heads: 2, width: 32);

    public static Gpt2LMHeadModel Create(int seed = 1, int context = 48)
    {
        TorchSharp.torch.manual_seed(seed);
        var model = new Gpt2LMHeadModel(Config(context));
        model.InitializeWeights(seed);
        return model;
    }

    /// <summary>Fully fine-tunes a model on one chat turn until it has memorised it.</summary>
    public static void TrainOn(CausalLanguageModel model, string prompt, string answer, int steps)
    {
        var examples = new[] { TrainingExample.FromChat(Tokenizer, prompt, answer) };
        using var method = new FullFineTuning();
        using var trainer = new Trainer(model, method, new PackedBatcher(new UniformSource(examples), 4, 48, Tokenizer.Padding),
            new TrainingOptions { Steps = steps, LearningRate = 5e-3, ReportEvery = 20 });
        trainer.Run();
    }
}
