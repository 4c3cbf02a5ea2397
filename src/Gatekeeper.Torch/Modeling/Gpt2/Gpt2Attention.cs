using TorchSharp;
using static TorchSharp.torch;

namespace Gatekeeper.Torch.Modeling.Gpt2;

/// <summary>Multi-head causal self-attention with GPT-2's fused q/k/v projection, both stored as Conv1D.</summary>
public sealed class Gpt2Attention : nn.Module<Tensor, Tensor>
{
    private readonly Projection c_attn;
    private readonly Projection c_proj;
    private readonly int _heads;
    private readonly int _layer;
    private readonly double _queryScale;

    public Gpt2Attention(Gpt2Config config, int layer) : base("attn")
    {
        _heads = config.Heads;
        _layer = layer;
        // Fused attention divides by sqrt(head size); GPT-2's other scalings are folded into q.
        double scale = config.ScaleAttentionWeights ? 1.0 : Math.Sqrt(config.HeadSize);
        if (config.ScaleAttentionByInverseLayerIndex) scale /= layer + 1;
        _queryScale = scale;
        c_attn = new Projection(config.Width, 3 * config.Width, hasBias: true, storedInByOut: true);
        c_proj = new Projection(config.Width, config.Width, hasBias: true, storedInByOut: true);
        RegisterComponents();
    }

    public override Tensor forward(Tensor x) => throw new NotSupportedException("Attention needs the layout; call Forward.");

    /// <summary>With a cache, x holds only the new positions; the cache supplies the rest.</summary>
    public Tensor Forward(Tensor x, AttentionLayout layout, KvCache? cache)
    {
        var (b, t, c) = (x.shape[0], x.shape[1], x.shape[2]);
        var qkv = c_attn.call(x).split(c, dim: 2);                       // 3 x (B, T, C)
        var q = qkv[0].view(b, t, _heads, c / _heads).transpose(1, 2);   // (B, nh, T, hs)
        var k = qkv[1].view(b, t, _heads, c / _heads).transpose(1, 2);
        var v = qkv[2].view(b, t, _heads, c / _heads).transpose(1, 2);
        if (_queryScale != 1.0) q = q * _queryScale;
        // New positions attend causally among themselves; a single new position after a cached
        // prefix sees everything (the model accepts several new positions only into an empty cache);
        // padded rows follow the layout's mask.
        bool causal = layout.Causal(t);
        if (cache is not null) (k, v) = cache.Append(_layer, k, v);
        var y = nn.functional.scaled_dot_product_attention(q, k, v, attn_mask: layout.Mask, is_casual: causal); // (B, nh, T, hs)
        y = y.transpose(1, 2).contiguous().view(b, t, c);                              // (B, T, C)
        return c_proj.call(y);
    }
}
