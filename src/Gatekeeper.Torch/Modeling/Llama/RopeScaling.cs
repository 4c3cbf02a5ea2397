namespace Gatekeeper.Torch.Modeling.Llama;

/// <summary>
/// <c>rope_scaling</c>: how rotary frequencies are stretched for contexts longer than training's.
/// <c>linear</c> divides every frequency by the factor; <c>llama3</c> divides only the low
/// frequencies and blends the middle band (Hugging Face's <c>modeling_rope_utils.py</c>).
/// </summary>
public sealed record RopeScaling(string Type, double Factor, double LowFrequencyFactor = 1, double HighFrequencyFactor = 4, int OriginalContextLength = 8192)
{
    public const string Linear = "linear";
    public const string Llama3 = "llama3";

    public static readonly IReadOnlyList<string> Supported = ["default", Linear, Llama3];

    /// <summary>The inverse frequencies of a head of <paramref name="headDim"/> (one per pair of dimensions), scaled.</summary>
    public static double[] InverseFrequencies(int headDim, double theta, RopeScaling? scaling)
    {
        // As Hugging Face computes them: float32 exponents, 1 / theta^(2i/d).
        var inverse = new double[headDim / 2];
        for (int i = 0; i < inverse.Length; i++)
            inverse[i] = (float)(1.0 / Math.Pow(theta, (float)(2 * i) / headDim));
        return scaling is null ? inverse : scaling.Apply(inverse);
    }

    private double[] Apply(double[] inverse)
    {
        if (Type == Linear) return [.. inverse.Select(f => f / Factor)];
        double lowWavelength = OriginalContextLength / LowFrequencyFactor;
        double highWavelength = OriginalContextLength / HighFrequencyFactor;
        return [.. inverse.Select(f =>
        {
            double wavelength = 2 * Math.PI / f;
            if (wavelength < highWavelength) return f;                    // high frequencies: unchanged
            if (wavelength > lowWavelength) return f / Factor;            // low frequencies: stretched
            double smooth = (OriginalContextLength / wavelength - LowFrequencyFactor) / (HighFrequencyFactor - LowFrequencyFactor);
            return (1 - smooth) * f / Factor + smooth * f;
        })];
    }
}
