using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace Gatekeeper.Torch.Modeling;

/// <summary>
/// GPT-2's feed-forward block: widen four times, GELU, project back. GPT-2 checkpoints use the tanh
/// form ("gelu_new"); the embedded base uses the exact form ("gelu"), which libtorch fuses and which
/// trains about twice as fast here.
/// </summary>
public sealed class Mlp : nn.Module<Tensor, Tensor>
{
    private readonly Linear c_fc;
    private readonly Linear c_proj;
    private readonly bool _tanhGelu;

    public Mlp(GptConfig config) : base("mlp")
    {
        _tanhGelu = config.Activation == GptConfig.TanhGelu;
        c_fc = nn.Linear(config.Width, 4 * config.Width);
        c_proj = nn.Linear(4 * config.Width, config.Width);
        RegisterComponents();
    }

    public override Tensor forward(Tensor x)
    {
        var hidden = c_fc.call(x);                                          // (B, T, 4C)
        return c_proj.call(_tanhGelu ? GeluTanh(hidden) : nn.functional.gelu(hidden));
    }

    // GPT-2's "gelu_new": 0.5 x (1 + tanh(sqrt(2/pi) (x + 0.044715 x^3))). TorchSharp's gelu is the erf form.
    private static Tensor GeluTanh(Tensor x) =>
        0.5 * x * (1.0 + torch.tanh(Math.Sqrt(2.0 / Math.PI) * (x + 0.044715 * x.pow(3))));
}
