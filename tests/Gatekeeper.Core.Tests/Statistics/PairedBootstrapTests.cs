using Gatekeeper.Statistics;

namespace Gatekeeper.Core.Tests.Statistics;

public class PairedBootstrapTests
{
    [Fact]
    public void Coverage_IsAtLeastNominalMinusTwoPoints()
    {
        // 1000 simulated datasets of 150 paired continuous scores: base ~ N(2, 1), candidate = base
        // + N(0.1, 0.5), so the true mean difference is 0.1.
        var random = new Random(11);
        int covered = 0;
        for (int s = 0; s < 1000; s++)
        {
            var b = new double[150];
            var c = new double[150];
            for (int i = 0; i < b.Length; i++)
            {
                b[i] = 2 + Gaussian(random);
                c[i] = b[i] + 0.1 + 0.5 * Gaussian(random);
            }
            if (PairedBootstrap.Compare(b, c, 0.95, seed: s, resamples: 1000).Interval.Contains(0.1)) covered++;
        }
        Assert.True(covered >= 930, $"coverage {covered / 10.0}%");
    }

    [Fact]
    public void Compare_SameSeed_GivesTheSameInterval()
    {
        var b = Enumerable.Range(0, 50).Select(i => Math.Sin(i)).ToArray();
        var c = b.Select((x, i) => x + 0.01 * (i % 7)).ToArray();
        Assert.Equal(PairedBootstrap.Compare(b, c, 0.95, 3).Interval, PairedBootstrap.Compare(b, c, 0.95, 3).Interval);
    }

    [Fact]
    public void Compare_IdenticalScores_HasZeroWidthAndNoEvidence()
    {
        var b = Enumerable.Range(0, 40).Select(i => (double)i).ToArray();
        var result = PairedBootstrap.Compare(b, b, 0.95, 1);
        Assert.Equal(new Interval(0, 0), result.Interval);
        Assert.Equal(1, result.PValue);
    }

    private static double Gaussian(Random random) =>
        Math.Sqrt(-2 * Math.Log(1 - random.NextDouble())) * Math.Cos(2 * Math.PI * random.NextDouble());
}
