using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace Gatekeeper.Torch.Modeling;

/// <summary>A pre-norm transformer block: x + attn(ln_1(x)), then x + mlp(ln_2(x)).</summary>
public sealed class Block : nn.Module<Tensor, Tensor>
{
    private readonly LayerNorm ln_1;
    private readonly CausalSelfAttention attn;
    private readonly LayerNorm ln_2;
    private readonly Mlp mlp;

    public Block(GptConfig config) : base("block")
    {
        ln_1 = nn.LayerNorm(config.Width, GptConfig.LayerNormEpsilon);
        attn = new CausalSelfAttention(config);
        ln_2 = nn.LayerNorm(config.Width, GptConfig.LayerNormEpsilon);
        mlp = new Mlp(config);
        RegisterComponents();
    }

    public override Tensor forward(Tensor x) => Forward(x, null, 0);

    public Tensor Forward(Tensor x, KvCache? cache, int layer)
    {
        x = x + attn.Forward(ln_1.call(x), cache, layer);
        return x + mlp.call(ln_2.call(x));
    }
}
