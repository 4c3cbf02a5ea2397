using TorchSharp;
using static TorchSharp.torch;

namespace Gatekeeper.Torch.Modeling;

/// <summary>
/// Where each token of a forward pass sits and what it may attend to. Without padding every row
/// starts at the same position and attention is plainly causal (<see cref="Mask"/> is null, and
/// attention uses its causal kernel). With left padding (a batch of prompts of different lengths),
/// each row counts its positions from its own first token, and attends causally to its own tokens
/// only; a padding position attends to itself alone, so it stays finite and is never attended to.
/// </summary>
public sealed class AttentionLayout : IDisposable
{
    private AttentionLayout(long start, Tensor? positions, Tensor? mask)
    {
        Start = start;
        Positions = positions;
        Mask = mask;
    }

    /// <summary>The first position of this pass in the cache (0 without one).</summary>
    public long Start { get; }

    /// <summary>Each token's position (B, T); null when every row's positions are Start .. Start + T - 1.</summary>
    public Tensor? Positions { get; }

    /// <summary>What each query may attend to (B, 1, T, Start + T), true to attend; null for plain causal attention.</summary>
    public Tensor? Mask { get; }

    /// <summary>Whether attention over the new positions is causal among themselves (several new positions and no mask).</summary>
    public bool Causal(long newPositions) => Mask is null && newPositions > 1;

    public static AttentionLayout For(Tensor ids, long start, KvCache? cache)
    {
        if (cache?.LeftPadding is not { } padding) return new AttentionLayout(start, null, null);
        long t = ids.shape[1];
        var device = ids.device;
        using var scope = torch.NewDisposeScope();
        var pad = torch.tensor(padding.Select(p => (long)p).ToArray(), device: device).unsqueeze(1);        // (B, 1)
        var queries = torch.arange(start, start + t, dtype: ScalarType.Int64, device: device);             // (T)
        var keys = torch.arange(0, start + t, dtype: ScalarType.Int64, device: device);                    // (S)
        var positions = (queries.unsqueeze(0) - pad).clamp_min(0);                                         // (B, T)
        var causal = keys.unsqueeze(0) <= queries.unsqueeze(1);                                            // (T, S)
        var real = (keys.unsqueeze(0) >= pad).unsqueeze(1).unsqueeze(1);                                   // (B, 1, 1, S)
        var itself = (keys.unsqueeze(0) == queries.unsqueeze(1)).unsqueeze(0).unsqueeze(0);               // (1, 1, T, S)
        var mask = causal.unsqueeze(0).unsqueeze(0).logical_and(real).logical_or(itself);                  // (B, 1, T, S)
        return new AttentionLayout(start, positions.MoveToOuterDisposeScope(), mask.MoveToOuterDisposeScope());
    }

    public void Dispose()
    {
        Positions?.Dispose();
        Mask?.Dispose();
    }
}
