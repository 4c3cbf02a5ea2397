using Gatekeeper.Torch.Modeling;

namespace Gatekeeper.Torch.Training.Ewc;

/// <summary>
/// Fisher diagonals kept on disk under a key that holds everything that changes them (the base's
/// content hash, the data's hash, the batches, the device and dtype), so a gate rerun over the same
/// base and data reuses the estimate and any change computes it afresh.
/// </summary>
public sealed class FisherCache(string folder)
{
    public FisherDiagonal GetOrEstimate(string key, CausalLanguageModel model, Func<FisherDiagonal> estimate, out bool cached)
    {
        var path = Path.Combine(folder, "fisher", key + ".safetensors");
        if (FisherDiagonal.TryLoad(path, model) is { } stored)
        {
            cached = true;
            return stored;
        }
        var fisher = estimate();
        fisher.Save(path);
        cached = false;
        return fisher;
    }
}
