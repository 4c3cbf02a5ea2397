using TorchSharp;
using static TorchSharp.torch;

namespace Gatekeeper.Torch.Modeling.Llama;

/// <summary>A pre-norm layer: x + self_attn(input_layernorm(x)), then x + mlp(post_attention_layernorm(x)).</summary>
public sealed class LlamaDecoderLayer : nn.Module<Tensor, Tensor>
{
    private readonly RmsNorm input_layernorm;
    private readonly LlamaAttention self_attn;
    private readonly RmsNorm post_attention_layernorm;
    private readonly LlamaMlp mlp;

    public LlamaDecoderLayer(LlamaConfig config, int layer) : base("layer")
    {
        input_layernorm = new RmsNorm(config.Hidden, config.RmsNormEpsilon);
        self_attn = new LlamaAttention(config, layer);
        post_attention_layernorm = new RmsNorm(config.Hidden, config.RmsNormEpsilon);
        mlp = new LlamaMlp(config);
        RegisterComponents();
    }

    public override Tensor forward(Tensor x) => throw new NotSupportedException("A decoder layer needs the rotary table; call Forward.");

    public Tensor Forward(Tensor x, Tensor cos, Tensor sin, AttentionLayout layout, KvCache? cache)
    {
        x = x + self_attn.Forward(input_layernorm.call(x), cos, sin, layout, cache);
        return x + mlp.call(post_attention_layernorm.call(x));
    }
}
