using TorchSharp;
using static TorchSharp.torch;

namespace Gatekeeper.Torch.Modeling.Gpt2;

/// <summary>
/// GPT-2's feed-forward block: widen, activate, project back. GPT-2 checkpoints use the tanh GELU
/// ("gelu_new"); the embedded base uses the exact form ("gelu"), which trains about twice as fast here.
/// </summary>
public sealed class Gpt2Mlp : nn.Module<Tensor, Tensor>
{
    private readonly Projection c_fc;
    private readonly Projection c_proj;
    private readonly string _activation;

    public Gpt2Mlp(Gpt2Config config) : base("mlp")
    {
        _activation = config.Activation;
        c_fc = new Projection(config.Width, config.InnerWidth, hasBias: true, storedInByOut: true);
        c_proj = new Projection(config.InnerWidth, config.Width, hasBias: true, storedInByOut: true);
        RegisterComponents();
    }

    public override Tensor forward(Tensor x)
    {
        var hidden = c_fc.call(x);                                          // (B, T, inner)
        return c_proj.call(Activate(hidden));                               // (B, T, C)
    }

    private Tensor Activate(Tensor x) => _activation switch
    {
        Gpt2Config.ExactGelu => nn.functional.gelu(x),
        "relu" => nn.functional.relu(x),
        // gelu_new, gelu_pytorch_tanh, gelu_fast: 0.5 x (1 + tanh(sqrt(2/pi) (x + 0.044715 x^3))).
        _ => nn.functional.gelu(x, TorchSharp.Modules.GELU.Approximate.tanh),
    };
}
