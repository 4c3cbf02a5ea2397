using TorchSharp;
using static TorchSharp.torch;

namespace Gatekeeper.Torch.Training;

/// <summary>
/// Fills rows of a fixed length with whole examples (never split across rows) and pads the rest.
/// Targets are the inputs shifted by one; positions the loss ignores carry <see cref="IgnoreIndex"/>.
/// A batch can be composed of parts, each filling its own number of rows from its own source, so
/// a replay share is exact in every batch rather than on average.
/// </summary>
public sealed class PackedBatcher
{
    public const long IgnoreIndex = -100;

    private readonly Part[] _parts;
    private readonly int _rows;
    private readonly int _length;
    private readonly int _padding;

    public PackedBatcher(IExampleSource source, int rows, int length, int padding)
        : this([(source, rows)], length, padding)
    {
    }

    /// <param name="parts">Sources and how many rows of every batch each fills, in row order.</param>
    /// <param name="length">Tokens per row.</param>
    /// <param name="padding">The id unused positions carry.</param>
    public PackedBatcher(IReadOnlyList<(IExampleSource Source, int Rows)> parts, int length, int padding)
    {
        if (parts.Count == 0 || parts.Any(p => p.Rows < 0) || parts.Sum(p => p.Rows) == 0)
            throw new ArgumentException("A batch needs at least one row.", nameof(parts));
        _parts = [.. parts.Where(p => p.Rows > 0).Select(p => new Part(p.Source, p.Rows))];
        _rows = parts.Sum(p => p.Rows);
        _length = length;
        _padding = padding;
    }

    /// <summary>
    /// Rows of a batch of <paramref name="rows"/> that replay general data: the fraction rounded, and
    /// at least one row each for replay and target whenever the fraction is strictly between 0 and 1.
    /// </summary>
    public static int ReplayRows(int rows, double fraction) =>
        fraction <= 0 || rows < 2 ? 0 : Math.Clamp((int)Math.Round(rows * fraction, MidpointRounding.AwayFromZero), 1, rows - 1);

    /// <summary>Inputs (B, T) and targets (B, T) as int64 tensors on <paramref name="device"/> (default the CPU).</summary>
    public (Tensor Inputs, Tensor Targets) Next(Random random, Device? device = null)
    {
        var inputs = new long[_rows * _length];
        var targets = new long[_rows * _length];
        Array.Fill(inputs, _padding);
        Array.Fill(targets, IgnoreIndex);
        int row = 0;
        foreach (var part in _parts)
        {
            for (int r = 0; r < part.Rows; r++, row++) FillRow(part, random, inputs, targets, row);
        }
        return (torch.tensor(inputs, [_rows, _length], device: device), torch.tensor(targets, [_rows, _length], device: device));
    }

    private void FillRow(Part part, Random random, long[] inputs, long[] targets, int row)
    {
        // A row holds T + 1 tokens: T inputs and, shifted by one, T targets.
        int used = 0;
        while (true)
        {
            var example = part.Carried ?? part.Source.Next(random);
            part.Carried = null;
            if (example.Length > _length + 1) example = Truncate(example, _length + 1);
            if (used + example.Length > _length + 1)
            {
                part.Carried = example;
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

    /// <summary>A source, its rows in every batch, and the example that did not fit its last row.</summary>
    private sealed class Part(IExampleSource source, int rows)
    {
        public IExampleSource Source { get; } = source;
        public int Rows { get; } = rows;
        public TrainingExample? Carried { get; set; }
    }

    private static TrainingExample Truncate(TrainingExample example, int length) =>
        new(example.Tokens[..length], example.Learn[..length]);
}
