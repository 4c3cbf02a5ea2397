using Gatekeeper.Torch.Modeling;
using Gatekeeper.Torch.Tokenization;
using TorchSharp;
using static TorchSharp.torch;

namespace Gatekeeper.Torch.Inference;

/// <summary>
/// Greedy decoding with a KV cache: the prompt is read once, then each new token costs one
/// position. Stops at the end-of-turn token, at <c>maxNewTokens</c>, or at the model's context.
/// </summary>
public sealed class GreedyGenerator
{
    private readonly CausalLanguageModel _model;
    private readonly ITokenizer _tokenizer;
    private readonly Device _device;

    public GreedyGenerator(CausalLanguageModel model, ITokenizer tokenizer)
    {
        _model = model;
        _tokenizer = tokenizer;
        _device = model.Device;
    }

    /// <summary>The model's answer to a chat prompt, decoded to text.</summary>
    public string Answer(string prompt, int maxNewTokens)
    {
        var promptIds = _tokenizer.EncodePrompt(prompt);
        int context = _model.Config.ContextLength;
        if (promptIds.Length >= context) promptIds = promptIds[^(context - 1)..];
        var produced = new List<int>(maxNewTokens);

        _model.eval();
        using var noGrad = torch.no_grad();
        using var cache = _model.NewCache();
        using var scope = torch.NewDisposeScope();
        var input = torch.tensor(promptIds.Select(i => (long)i).ToArray(), [1, promptIds.Length], device: _device);   // (1, T)
        for (int step = 0; step < maxNewTokens && cache.Length + input.shape[1] <= context; step++)
        {
            using var stepScope = torch.NewDisposeScope();
            var logits = _model.Forward(input, cache);                                                  // (1, T, vocab)
            int next = (int)logits[0, -1].argmax().item<long>();
            if (_tokenizer.Stops(next)) break;
            produced.Add(next);
            input = torch.tensor(new long[] { next }, [1, 1], device: _device).MoveToOuterDisposeScope();
        }
        return _tokenizer.Decode(produced);
    }
}
