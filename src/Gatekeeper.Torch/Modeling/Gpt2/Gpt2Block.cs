using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace Gatekeeper.Torch.Modeling.Gpt2;

/// <summary>A pre-norm block: x + attn(ln_1(x)), then x + mlp(ln_2(x)).</summary>
public sealed class Gpt2Block : nn.Module<Tensor, Tensor>
{
    private readonly LayerNorm ln_1;
    private readonly Gpt2Attention attn;
    private readonly LayerNorm ln_2;
    private readonly Gpt2Mlp mlp;

    public Gpt2Block(Gpt2Config config, int layer) : base("block")
    {
        ln_1 = nn.LayerNorm(config.Width, config.LayerNormEpsilon);
        attn = new Gpt2Attention(config, layer);
        ln_2 = nn.LayerNorm(config.Width, config.LayerNormEpsilon);
        mlp = new Gpt2Mlp(config);
        RegisterComponents();
    }

    public override Tensor forward(Tensor x) => throw new NotSupportedException("A block needs the attention layout; call Forward.");

    public Tensor Forward(Tensor x, AttentionLayout layout, KvCache? cache)
    {
        x = x + attn.Forward(ln_1.call(x), layout, cache);
        return x + mlp.call(ln_2.call(x));
    }
}
