using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace Gatekeeper.Torch.Modeling.Llama;

/// <summary>Token embedding, decoder layers sharing one rotary table, a final RMSNorm.</summary>
public sealed class LlamaModel : nn.Module<Tensor, Tensor>
{
    private readonly Embedding embed_tokens;
    private readonly ModuleList<LlamaDecoderLayer> layers;
    private readonly RmsNorm norm;
    private readonly RotaryEmbedding _rotary;

    public LlamaModel(LlamaConfig config) : base("model")
    {
        embed_tokens = nn.Embedding(config.VocabSize, config.Hidden);
        layers = nn.ModuleList(Enumerable.Range(0, config.Layers).Select(i => new LlamaDecoderLayer(config, i)).ToArray());
        norm = new RmsNorm(config.Hidden, config.RmsNormEpsilon);
        _rotary = new RotaryEmbedding(config);
        RegisterComponents();
    }

    public Tensor TokenEmbedding => embed_tokens.weight!;

    public override Tensor forward(Tensor ids)
    {
        using var layout = AttentionLayout.For(ids, 0, null);
        return Forward(ids, layout, null);
    }

    /// <summary>ids (B, T) at the layout's positions -> hidden states (B, T, C).</summary>
    public Tensor Forward(Tensor ids, AttentionLayout layout, KvCache? cache)
    {
        var x = embed_tokens.call(ids);                                                        // (B, T, C)
        var (cos, sin) = layout.Positions is { } positions
            ? _rotary.CosSin(positions, x.dtype)                                              // (B, 1, T, hd) each
            : _rotary.CosSin(layout.Start, ids.shape[1], x.dtype, x.device);                  // (T, hd) each
        for (int i = 0; i < layers.Count; i++)
            x = layers[i].Forward(x, cos, sin, layout, cache);
        return norm.call(x);
    }
}
