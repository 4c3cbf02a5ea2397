using TorchSharp;
using static TorchSharp.torch;

namespace Gatekeeper.Torch.Modeling;

/// <summary>
/// Keys and values already computed for earlier positions, one pair per layer, so greedy decoding
/// costs one position per new token instead of the whole prefix. A batch of prompts of different
/// lengths is padded on the left; the cache holds each row's padding, from which the model takes
/// each row's positions and keeps its padding out of attention (<see cref="AttentionLayout"/>).
/// </summary>
public sealed class KvCache : IDisposable
{
    private readonly Tensor?[] _keys;
    private readonly Tensor?[] _values;

    /// <param name="layers">The model's layer count.</param>
    /// <param name="leftPadding">Per row, the padding positions before its first token; null when no row is padded.</param>
    public KvCache(int layers, IReadOnlyList<int>? leftPadding = null)
    {
        _keys = new Tensor?[layers];
        _values = new Tensor?[layers];
        LeftPadding = leftPadding is { } padding && padding.Any(p => p > 0) ? [.. padding] : null;
    }

    /// <summary>Positions already cached, padding included.</summary>
    public long Length => _keys[0]?.shape[2] ?? 0;

    /// <summary>Per row, the padding before its first token; null when no row is padded.</summary>
    public IReadOnlyList<int>? LeftPadding { get; private set; }

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

    /// <summary>Keeps only <paramref name="rows"/> (in that order), so rows that have finished stop costing compute.</summary>
    public void Keep(IReadOnlyList<int> rows)
    {
        using var index = torch.tensor(rows.Select(r => (long)r).ToArray(), device: _keys[0]?.device ?? CPU);
        for (int layer = 0; layer < _keys.Length; layer++)
        {
            if (_keys[layer] is not { } k || _values[layer] is not { } v) continue;
            _keys[layer] = k.index_select(0, index).DetachFromDisposeScope();
            _values[layer] = v.index_select(0, index).DetachFromDisposeScope();
            k.Dispose();
            v.Dispose();
        }
        if (LeftPadding is { } padding) LeftPadding = [.. rows.Select(r => padding[r])];
    }

    public void Dispose()
    {
        foreach (var t in _keys) t?.Dispose();
        foreach (var t in _values) t?.Dispose();
    }
}
