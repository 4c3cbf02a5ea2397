using TorchSharp;
using static TorchSharp.torch;

namespace Gatekeeper.Torch.Modeling.Llama;

/// <summary>SwiGLU (Shazeer 2020): down(silu(gate(x)) * up(x)).</summary>
public sealed class LlamaMlp : nn.Module<Tensor, Tensor>
{
    private readonly Projection gate_proj;
    private readonly Projection up_proj;
    private readonly Projection down_proj;

    public LlamaMlp(LlamaConfig config) : base("mlp")
    {
        gate_proj = new Projection(config.Hidden, config.Intermediate, config.MlpBias);
        up_proj = new Projection(config.Hidden, config.Intermediate, config.MlpBias);
        down_proj = new Projection(config.Intermediate, config.Hidden, config.MlpBias);
        RegisterComponents();
    }

    public override Tensor forward(Tensor x) =>
        down_proj.call(nn.functional.silu(gate_proj.call(x)) * up_proj.call(x));      // (B, T, C)
}
