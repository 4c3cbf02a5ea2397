using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace Gatekeeper.Torch.Modeling.Llama;

/// <summary>
/// Root-mean-square norm (Zhang and Sennrich 2019): x / sqrt(mean(x²) + eps), scaled by a weight.
/// Computed in float32 and cast back before the weight, as Hugging Face's <c>LlamaRMSNorm</c> does.
/// </summary>
public sealed class RmsNorm : nn.Module<Tensor, Tensor>
{
    private readonly Parameter weight;
    private readonly double _epsilon;

    public RmsNorm(long width, double epsilon) : base("rms_norm")
    {
        weight = new Parameter(torch.ones(width));
        _epsilon = epsilon;
        RegisterComponents();
    }

    public override Tensor forward(Tensor x)
    {
        var x32 = x.to(ScalarType.Float32);
        var variance = x32.pow(2).mean([-1], keepdim: true);                  // (B, T, 1)
        return weight * (x32 * torch.rsqrt(variance + _epsilon)).to(x.dtype);
    }
}
