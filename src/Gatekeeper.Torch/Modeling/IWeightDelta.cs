using static TorchSharp.torch;

namespace Gatekeeper.Torch.Modeling;

/// <summary>An adapter whose output is a linear map of its input, so it can say how it changes the wrapped weight.</summary>
public interface IWeightDelta
{
    /// <summary>The change to the wrapped projection's weight, (out, in), as if merged.</summary>
    Tensor WeightDelta();
}
