using Gatekeeper.Torch.Training;

namespace Gatekeeper.Torch.Tests.Training;

public class PackedBatcherTests
{
    // Task rows start with the prompt letter 't', replayed rows with 'r': <user> t ... or <user> r ...
    private static readonly UniformSource Task = new(Enumerable.Range(0, 10).Select(i => TrainingExample.FromChat(TinyModels.Tokenizer, $"t{i}", $"{i}")).ToList());
    private static readonly UniformSource Replay = new(Enumerable.Range(0, 10).Select(i => TrainingExample.FromChat(TinyModels.Tokenizer, $"r{i}{i}{i}", $"{i}")).ToList());

    private static List<int> ReplayedRowsPerBatch(double fraction, int rows, int batches)
    {
        var batcher = new PackedBatcher(Task, Replay, fraction, rows, 24, TinyModels.Tokenizer.Padding);
        var random = new Random(5);
        var counts = new List<int>();
        for (int b = 0; b < batches; b++)
        {
            var (inputs, targets) = batcher.Next(random);
            var x = inputs.data<long>().ToArray();
            int replayed = 0;
            for (int row = 0; row < rows; row++)
            {
                // Every row is packed from one source: all its examples start with the same letter.
                var starts = Enumerable.Range(0, 24 - 1).Where(i => x[row * 24 + i] == 256).Select(i => x[row * 24 + i + 1]).Distinct().ToList();
                Assert.Single(starts);
                if (starts[0] == 'r') replayed++;
            }
            counts.Add(replayed);
            inputs.Dispose();
            targets.Dispose();
        }
        return counts;
    }

    [Theory]
    [InlineData(0.25, 8, 2)]
    [InlineData(0.75, 4, 3)]
    [InlineData(0.5, 6, 3)]
    [InlineData(0.0, 8, 0)]
    [InlineData(1.0, 8, 8)]
    public void ReplayShare_IsExactInEveryBatch_WhenTheFractionOfTheRowsIsWhole(double fraction, int rows, int expected)
    {
        Assert.All(ReplayedRowsPerBatch(fraction, rows, 40), count => Assert.Equal(expected, count));
    }

    [Fact]
    public void ReplayShare_AlternatesFloorAndCeiling_SoEveryPrefixIsTheFractionRounded()
    {
        // 0.3 of 8 rows is 2.4: batches have 2 or 3 replayed rows, and the first n batches round(2.4 n).
        var counts = ReplayedRowsPerBatch(0.3, 8, 50);
        Assert.All(counts, count => Assert.InRange(count, 2, 3));
        for (int n = 1; n <= counts.Count; n++)
            Assert.Equal((int)Math.Floor(2.4 * n + 0.5), counts.Take(n).Sum());
    }

    [Fact]
    public void WithoutReplay_NoRowIsReplayed()
    {
        var batcher = new PackedBatcher(Task, 8, 24, TinyModels.Tokenizer.Padding);
        Assert.Equal(0, batcher.ReplayRows(0));
        Assert.Equal(0, batcher.ReplayRows(17));
    }
}
