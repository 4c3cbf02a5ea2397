using Gatekeeper.Torch.Modeling;
using Gatekeeper.Torch.Tokenization;

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
}
