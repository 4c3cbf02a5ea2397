using TorchSharp;
using static TorchSharp.torch;

namespace Gatekeeper.Torch.Training;

/// <summary>
/// Fills rows of a fixed length with whole examples (never split across rows) and pads the rest.
/// Targets are the inputs shifted by one; positions the loss ignores carry <see cref="IgnoreIndex"/>.
/// </summary>
public sealed class PackedBatcher
{
    public const long IgnoreIndex = -100;

    private readonly IExampleSource _source;
    private readonly int _rows;
    private readonly int _length;
    private readonly int _padding;
    private TrainingExample? _carried;

    public PackedBatcher(IExampleSource source, int rows, int length, int padding)
    {
        _source = source;
        _rows = rows;
        _length = length;
        _padding = padding;
    }

    /// <summary>Inputs (B, T) and targets (B, T) as int64 tensors on <paramref name="device"/> (default the CPU).</summary>
    public (Tensor Inputs, Tensor Targets) Next(Random random, Device? device = null)
    {
        var inputs = new long[_rows * _length];
        var targets = new long[_rows * _length];
        Array.Fill(inputs, _padding);
        Array.Fill(targets, IgnoreIndex);
        for (int row = 0; row < _rows; row++)
        {
            // A row holds T + 1 tokens: T inputs and, shifted by one, T targets.
            int used = 0;
            while (true)
            {
                var example = _carried ?? _source.Next(random);
                _carried = null;
                if (example.Length > _length + 1) example = Truncate(example, _length + 1);
                if (used + example.Length > _length + 1)
                {
                    _carried = example;
                    break;
                }
                for (int i = 0; i < example.Length; i++)
                {
                    int position = used + i;
                    if (position < _length) inputs[row * _length + position] = example.Tokens[i];
                    if (position > 0 && example.Learn[i] && i > 0) targets[row * _length + position - 1] = example.Tokens[i];
                }
                used += example.Length;
                if (used >= _length) break;
            }
        }
        return (torch.tensor(inputs, [_rows, _length], device: device), torch.tensor(targets, [_rows, _length], device: device));
    }

    private static TrainingExample Truncate(TrainingExample example, int length) =>
        new(example.Tokens[..length], example.Learn[..length]);
}
