using TorchSharp;
using static TorchSharp.torch;

namespace Gatekeeper.Torch.Modeling.Llama;

/// <summary>
/// Rotary position embeddings (Su et al. 2021) in Hugging Face's <c>rotate_half</c> layout: the
/// first and second halves of each head are the pairs rotated, not interleaved dimensions.
/// </summary>
public sealed class RotaryEmbedding
{
    private readonly float[] _inverseFrequencies;

    public RotaryEmbedding(LlamaConfig config) =>
        _inverseFrequencies = [.. RopeScaling.InverseFrequencies(config.HeadDim, config.RopeTheta, config.RopeScaling).Select(f => (float)f)];

    /// <summary>cos and sin (T, hd) for positions start .. start + T - 1, computed in float32 and cast to <paramref name="dtype"/>.</summary>
    public (Tensor Cos, Tensor Sin) CosSin(long start, long length, ScalarType dtype, Device device)
    {
        using var scope = torch.NewDisposeScope();
        var inverse = torch.tensor(_inverseFrequencies, device: device);                               // (hd/2)
        var positions = torch.arange(start, start + length, dtype: ScalarType.Float32, device: device); // (T)
        var frequencies = torch.outer(positions, inverse);                                             // (T, hd/2)
        var angles = torch.cat([frequencies, frequencies], dim: -1);                                   // (T, hd)
        return (angles.cos().to(dtype).MoveToOuterDisposeScope(), angles.sin().to(dtype).MoveToOuterDisposeScope());
    }

    /// <summary>cos and sin (B, 1, T, hd) for each row's own positions (B, T), computed in float32 and cast to <paramref name="dtype"/>.</summary>
    public (Tensor Cos, Tensor Sin) CosSin(Tensor positions, ScalarType dtype)
    {
        using var scope = torch.NewDisposeScope();
        var inverse = torch.tensor(_inverseFrequencies, device: positions.device);                     // (hd/2)
        var frequencies = positions.to(ScalarType.Float32).unsqueeze(-1) * inverse;                     // (B, T, hd/2)
        var angles = torch.cat([frequencies, frequencies], dim: -1).unsqueeze(1);                      // (B, 1, T, hd)
        return (angles.cos().to(dtype).MoveToOuterDisposeScope(), angles.sin().to(dtype).MoveToOuterDisposeScope());
    }

    /// <summary>x (B, H, T, hd) rotated: x cos + rotate_half(x) sin.</summary>
    public static Tensor Apply(Tensor x, Tensor cos, Tensor sin)
    {
        long half = x.shape[^1] / 2;
        var rotated = torch.cat([-x.narrow(-1, half, half), x.narrow(-1, 0, half)], dim: -1);   // rotate_half
        return x * cos + rotated * sin;
    }
}
