using TorchSharp;
using static TorchSharp.torch;

namespace Gatekeeper.Torch.Modeling;

/// <summary>
/// Keys and values already computed for earlier positions, one pair per layer, so greedy decoding
/// costs one position per new token instead of the whole prefix.
/// </summary>
public sealed class KvCache : IDisposable
{
    private readonly Tensor?[] _keys;
    private readonly Tensor?[] _values;

    public KvCache(int layers)
    {
        _keys = new Tensor?[layers];
        _values = new Tensor?[layers];
    }

    /// <summary>Positions already cached.</summary>
    public long Length => _keys[0]?.shape[2] ?? 0;

    /// <summary>Appends this step's keys and values (B, nh, T, hs) and returns the whole history.</summary>
    internal (Tensor Keys, Tensor Values) Append(int layer, Tensor keys, Tensor values)
    {
        var allKeys = _keys[layer] is { } pastKeys ? torch.cat([pastKeys, keys], 2) : keys.alias();
        var allValues = _values[layer] is { } pastValues ? torch.cat([pastValues, values], 2) : values.alias();
        _keys[layer]?.Dispose();
        _values[layer]?.Dispose();
        _keys[layer] = allKeys.DetachFromDisposeScope();
        _values[layer] = allValues.DetachFromDisposeScope();
        return (allKeys, allValues);
    }

    public void Dispose()
    {
        foreach (var t in _keys) t?.Dispose();
        foreach (var t in _values) t?.Dispose();
    }
}
