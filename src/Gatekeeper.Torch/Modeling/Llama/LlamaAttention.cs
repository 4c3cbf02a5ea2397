using TorchSharp;
using static TorchSharp.torch;

namespace Gatekeeper.Torch.Modeling.Llama;

/// <summary>
/// Causal self-attention with rotary positions and grouped-query attention: each key/value head
/// serves heads / kv_heads query heads. The cache holds keys after rotation, as Hugging Face's does.
/// </summary>
public sealed class LlamaAttention : nn.Module<Tensor, Tensor>
{
    private readonly Projection q_proj;
    private readonly Projection k_proj;
    private readonly Projection v_proj;
    private readonly Projection o_proj;
    private readonly int _heads;
    private readonly int _kvHeads;
    private readonly int _headDim;
    private readonly int _layer;

    public LlamaAttention(LlamaConfig config, int layer) : base("self_attn")
    {
        (_heads, _kvHeads, _headDim, _layer) = (config.Heads, config.KeyValueHeads, config.HeadDim, layer);
        q_proj = new Projection(config.Hidden, _heads * _headDim, config.QkvBias);
        k_proj = new Projection(config.Hidden, _kvHeads * _headDim, config.QkvBias);
        v_proj = new Projection(config.Hidden, _kvHeads * _headDim, config.QkvBias);
        o_proj = new Projection(_heads * _headDim, config.Hidden, config.OutputBias);
        RegisterComponents();
    }

    public override Tensor forward(Tensor x) => throw new NotSupportedException("Attention needs the rotary table; call Forward.");

    /// <summary>x (B, T, C) with cos and sin (T, hd), or per row (B, 1, T, hd), of its positions -> (B, T, C).</summary>
    public Tensor Forward(Tensor x, Tensor cos, Tensor sin, AttentionLayout layout, KvCache? cache)
    {
        var (b, t) = (x.shape[0], x.shape[1]);
        var q = q_proj.call(x).view(b, t, _heads, _headDim).transpose(1, 2);      // (B, H, T, hd)
        var k = k_proj.call(x).view(b, t, _kvHeads, _headDim).transpose(1, 2);    // (B, KV, T, hd)
        var v = v_proj.call(x).view(b, t, _kvHeads, _headDim).transpose(1, 2);    // (B, KV, T, hd)
        q = RotaryEmbedding.Apply(q, cos, sin);
        k = RotaryEmbedding.Apply(k, cos, sin);
        bool causal = layout.Causal(t);
        if (cache is not null) (k, v) = cache.Append(_layer, k, v);
        if (_kvHeads != _heads)
        {
            k = k.repeat_interleave(_heads / _kvHeads, dim: 1);                  // (B, H, S, hd)
            v = v.repeat_interleave(_heads / _kvHeads, dim: 1);
        }
        var y = nn.functional.scaled_dot_product_attention(q, k, v, attn_mask: layout.Mask, is_casual: causal);   // (B, H, T, hd), scaled by 1/sqrt(hd)
        y = y.transpose(1, 2).contiguous().view(b, t, _heads * _headDim);                 // (B, T, H*hd)
        return o_proj.call(y);
    }
}
