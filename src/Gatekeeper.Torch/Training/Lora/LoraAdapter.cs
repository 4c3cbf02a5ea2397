using Gatekeeper.Torch.Modeling;
using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace Gatekeeper.Torch.Training.Lora;

/// <summary>
/// A LoRA branch (Hu et al. 2021) beside a frozen projection: scaling * B(A(dropout(x))), with A
/// (r, in) initialised as PEFT does (Kaiming-uniform) and B (out, r) at zero, so a fresh adapter
/// leaves the model's outputs exactly as they were. Scaling is alpha / r.
/// </summary>
public sealed class LoraAdapter : nn.Module<Tensor, Tensor>, IWeightDelta
{
    private readonly Parameter lora_A;
    private readonly Parameter lora_B;
    private readonly double _scaling;
    private readonly double _dropout;

    public LoraAdapter(long inFeatures, long outFeatures, int rank, double scaling, double dropout, ScalarType dtype, Device device) : base("lora")
    {
        lora_A = new Parameter(torch.empty(rank, inFeatures, dtype: dtype, device: device));
        lora_B = new Parameter(torch.zeros(outFeatures, rank, dtype: dtype, device: device));
        using (torch.no_grad()) nn.init.kaiming_uniform_(lora_A, Math.Sqrt(5));
        _scaling = scaling;
        _dropout = dropout;
        RegisterComponents();
    }

    public Parameter A => lora_A;
    public Parameter B => lora_B;
    public int Rank => (int)lora_A.shape[0];
    public double Scaling => _scaling;

    /// <summary>x (..., in) -> (..., out).</summary>
    public override Tensor forward(Tensor x)
    {
        if (_dropout > 0 && training) x = nn.functional.dropout(x, _dropout, training: true);
        return nn.functional.linear(nn.functional.linear(x, lora_A), lora_B) * _scaling;   // (..., r) then (..., out)
    }

    public Tensor WeightDelta() => lora_B.matmul(lora_A) * _scaling;                         // (out, in)
}
