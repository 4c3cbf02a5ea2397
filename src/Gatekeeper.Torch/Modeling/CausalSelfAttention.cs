using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace Gatekeeper.Torch.Modeling;

/// <summary>Multi-head causal self-attention with GPT-2's parameter names.</summary>
public sealed class CausalSelfAttention : nn.Module<Tensor, Tensor>
{
    private readonly Linear c_attn;
    private readonly Linear c_proj;
    private readonly int _heads;

    public CausalSelfAttention(GptConfig config) : base("attn")
    {
        _heads = config.Heads;
        c_attn = nn.Linear(config.Width, 3 * config.Width);
        c_proj = nn.Linear(config.Width, config.Width);
        RegisterComponents();
    }

    public override Tensor forward(Tensor x) => Forward(x, null, 0);

    /// <summary>With a cache, x holds only the new positions; the cache supplies the rest.</summary>
    public Tensor Forward(Tensor x, KvCache? cache, int layer)
    {
        var (b, t, c) = (x.shape[0], x.shape[1], x.shape[2]);
        var qkv = c_attn.call(x).split(c, dim: 2);                       // 3 x (B, T, C)
        var q = qkv[0].view(b, t, _heads, c / _heads).transpose(1, 2);   // (B, nh, T, hs)
        var k = qkv[1].view(b, t, _heads, c / _heads).transpose(1, 2);
        var v = qkv[2].view(b, t, _heads, c / _heads).transpose(1, 2);
        // New positions attend causally among themselves; a single new position after a cached
        // prefix may see everything (Gpt.Forward allows several new positions only into an empty cache).
        bool causal = t > 1;
        if (cache is not null) (k, v) = cache.Append(layer, k, v);
        var y = nn.functional.scaled_dot_product_attention(q, k, v, is_casual: causal); // (B, nh, T, hs)
        y = y.transpose(1, 2).contiguous().view(b, t, c);                              // (B, T, C)
        return c_proj.call(y);
    }
}
