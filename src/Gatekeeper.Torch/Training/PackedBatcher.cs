using TorchSharp;
using static TorchSharp.torch;

namespace Gatekeeper.Torch.Training;

/// <summary>
/// Fills rows of a fixed length with whole examples (never split across rows) and pads the rest.
/// Targets are the inputs shifted by one; positions the loss ignores carry <see cref="IgnoreIndex"/>.
/// With replay, each row is packed from one source, and the replayed rows of each batch are exactly
/// the fraction of its rows (<see cref="ReplayRows"/>).
/// </summary>
public sealed class PackedBatcher
{
    public const long IgnoreIndex = -100;

    private readonly Lane _main;
    private readonly Lane? _replay;
    private readonly double _replayFraction;
    private readonly int _rows;
    private readonly int _length;
    private readonly int _padding;
    private long _batches;

    public PackedBatcher(IExampleSource source, int rows, int length, int padding)
    {
        _main = new Lane(source);
        _rows = rows;
        _length = length;
        _padding = padding;
    }

    /// <summary>
    /// Batches whose rows come from <paramref name="replay"/> in the share <paramref name="replayFraction"/>
    /// and from <paramref name="source"/> otherwise.
    /// </summary>
    public PackedBatcher(IExampleSource source, IExampleSource replay, double replayFraction, int rows, int length, int padding)
        : this(source, rows, length, padding)
    {
        if (replayFraction is < 0 or > 1) throw new ArgumentOutOfRangeException(nameof(replayFraction), replayFraction, "A replay fraction is between 0 and 1.");
        _replay = new Lane(replay);
        _replayFraction = replayFraction;
    }

    /// <summary>
    /// How many of batch <paramref name="batch"/>'s rows (counted from 0) are replayed: exactly
    /// fraction × rows when that is whole; otherwise the floor or the ceiling, chosen so that the
    /// replayed rows of the first n batches are fraction × rows × n rounded, never off by a row or more.
    /// </summary>
    public int ReplayRows(long batch)
    {
        if (_replay is null) return 0;
        long Rounded(long batches) => (long)Math.Floor(_replayFraction * _rows * batches + 0.5);
        return (int)(Rounded(batch + 1) - Rounded(batch));
    }

    /// <summary>Inputs (B, T) and targets (B, T) as int64 tensors on <paramref name="device"/> (default the CPU).</summary>
    public (Tensor Inputs, Tensor Targets) Next(Random random, Device? device = null)
    {
        var inputs = new long[_rows * _length];
        var targets = new long[_rows * _length];
        Array.Fill(inputs, _padding);
        Array.Fill(targets, IgnoreIndex);
        int replayed = ReplayRows(_batches++);
        for (int row = 0; row < _rows; row++)
            Fill(row < _rows - replayed ? _main : _replay!, inputs.AsSpan(row * _length, _length), targets.AsSpan(row * _length, _length), random);
        return (torch.tensor(inputs, [_rows, _length], device: device), torch.tensor(targets, [_rows, _length], device: device));
    }

    /// <summary>Packs one row from <paramref name="lane"/>; an example that does not fit is carried to the lane's next row.</summary>
    private void Fill(Lane lane, Span<long> inputs, Span<long> targets, Random random)
    {
        // A row holds T + 1 tokens: T inputs and, shifted by one, T targets.
        int used = 0;
        while (true)
        {
            var example = lane.Carried ?? lane.Source.Next(random);
            lane.Carried = null;
            if (example.Length > _length + 1) example = Truncate(example, _length + 1);
            if (used + example.Length > _length + 1)
            {
                lane.Carried = example;
                return;
            }
            for (int i = 0; i < example.Length; i++)
            {
                int position = used + i;
                if (position < _length) inputs[position] = example.Tokens[i];
                if (position > 0 && example.Learn[i] && i > 0) targets[position - 1] = example.Tokens[i];
            }
            used += example.Length;
            if (used >= _length) return;
        }
    }

    private static TrainingExample Truncate(TrainingExample example, int length) =>
        new(example.Tokens[..length], example.Learn[..length]);

    /// <summary>One source of rows and the example that did not fit its last row.</summary>
    private sealed class Lane(IExampleSource source)
    {
        public IExampleSource Source { get; } = source;
        public TrainingExample? Carried { get; set; }
    }
}
