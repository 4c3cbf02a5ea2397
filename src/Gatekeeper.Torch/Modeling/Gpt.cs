using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace Gatekeeper.Torch.Modeling;

/// <summary>
/// GPT-2's architecture (Radford et al. 2019), with its parameter names so checkpoints map onto
/// Hugging Face's keys: token and position embeddings, pre-norm blocks, a final norm, and an output
/// head tied to the token embedding.
/// </summary>
public sealed class Gpt : nn.Module<Tensor, Tensor>
{
    private readonly Embedding wte;
    private readonly Embedding wpe;
    private readonly ModuleList<Block> h;
    private readonly LayerNorm ln_f;

    public Gpt(GptConfig config) : base("transformer")
    {
        Config = config;
        wte = nn.Embedding(config.VocabSize, config.Width);
        wpe = nn.Embedding(config.ContextLength, config.Width);
        h = nn.ModuleList(Enumerable.Range(0, config.Layers).Select(_ => new Block(config)).ToArray());
        ln_f = nn.LayerNorm(config.Width, GptConfig.LayerNormEpsilon);
        RegisterComponents();
    }

    public GptConfig Config { get; }

    /// <summary>idx (B, T) token ids -> logits (B, T, vocab).</summary>
    public override Tensor forward(Tensor idx) => Forward(idx, null);

    /// <summary>With a cache, idx holds only the positions after those already cached.</summary>
    public Tensor Forward(Tensor idx, KvCache? cache)
    {
        long start = cache?.Length ?? 0;
        long t = idx.shape[1];
        if (start + t > Config.ContextLength)
            throw new ArgumentException($"Sequence of {start + t} tokens exceeds the model's context of {Config.ContextLength}.");
        if (start > 0 && t > 1)
            throw new ArgumentException("A non-empty KV cache can only be extended one position at a time.");
        using var positions = torch.arange(start, start + t, dtype: ScalarType.Int64, device: idx.device); // (T)
        var x = wte.call(idx) + wpe.call(positions);                                                      // (B, T, C)
        for (int layer = 0; layer < h.Count; layer++)
            x = h[layer].Forward(x, cache, layer);
        x = ln_f.call(x);
        return x.matmul(wte.weight!.t());                                                                 // (B, T, vocab)
    }

    /// <summary>GPT-2's initialisation: N(0, 0.02), residual projections scaled by 1/sqrt(2 * layers).</summary>
    public void InitializeWeights(int seed)
    {
        using var _ = torch.no_grad();
        var generator = new Generator((ulong)seed);
        foreach (var (name, parameter) in named_parameters())
        {
            if (name.EndsWith(".bias", StringComparison.Ordinal)) parameter.zero_();
            else if (name.Contains("ln_", StringComparison.Ordinal)) parameter.fill_(1.0);
            else
            {
                double std = name.EndsWith("c_proj.weight", StringComparison.Ordinal) ? 0.02 / Math.Sqrt(2.0 * Config.Layers) : 0.02;
                parameter.normal_(0, std, generator);
            }
        }
    }

    public long ParameterCount => parameters().Sum(p => p.numel());
}
