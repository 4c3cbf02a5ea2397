using Gatekeeper.Torch.Modeling;

namespace Gatekeeper.Torch.Inference;

/// <summary>
/// How many rows of a given length one forward pass may take: as many as fit the memory budget by
/// an estimate of what a row holds at its peak (logits and their log-probabilities in float32, the
/// cached keys and values of every layer, and a few hidden states), never more than
/// <see cref="MaxRows"/> and never fewer than one.
/// </summary>
public sealed record InferenceBudget(long Bytes, int MaxRows = 64)
{
    /// <summary>The budget evaluation runs under unless told otherwise: 1 GiB, within reach of any CI runner.</summary>
    public static InferenceBudget Default { get; } = new(1L << 30);

    /// <summary>Batched as little as can be: one row at a time, the reference the batched paths are tested against.</summary>
    public static InferenceBudget Unbatched { get; } = new(1, MaxRows: 1);

    public int Rows(ModelConfig config, int length)
    {
        long perToken = 3L * config.VocabSize * sizeof(float)             // logits, a float32 copy, log-probabilities
            + (2L * config.Layers + 8) * config.HiddenSize * sizeof(float); // keys and values per layer, hidden states
        long rows = Bytes / Math.Max(1, perToken * Math.Max(1, length));
        return (int)Math.Clamp(rows, 1, MaxRows);
    }
}
