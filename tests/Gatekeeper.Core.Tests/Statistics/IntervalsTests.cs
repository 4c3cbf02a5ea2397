using Gatekeeper.Statistics;

namespace Gatekeeper.Core.Tests.Statistics;

public class IntervalsTests
{
    [Theory]
    [InlineData(0.975, 1.959963985)]
    [InlineData(0.5, 0.0)]
    [InlineData(0.8, 0.841621234)]
    [InlineData(0.001, -3.090232306)]
    public void NormalQuantile_MatchesTables(double p, double z) => Assert.Equal(z, Normal.Quantile(p), 6);

    [Fact]
    public void Wilson_ZeroOfTen_MatchesPublishedInterval()
    {
        var interval = Wilson.For(0, 10, 0.95);
        Assert.Equal(0, interval.Lower, 6);
        Assert.Equal(0.2775, interval.Upper, 4);
    }

    [Fact]
    public void Wilson_HalfOfHundred_IsSymmetric()
    {
        var interval = Wilson.For(50, 100, 0.95);
        Assert.Equal(0.4038, interval.Lower, 4);
        Assert.Equal(0.5962, interval.Upper, 4);
    }

    [Fact]
    public void Newcombe_UncorrelatedTable_ReducesToTheUnpairedHybridScoreInterval()
    {
        // both*neither == baseOnly*candidateOnly makes phi 0; the interval is then Newcombe's
        // unpaired method 10, built here from two Wilson intervals by hand.
        var c = PairedProportions.FromCounts(both: 20, baseOnly: 20, candidateOnly: 10, neither: 10, confidence: 0.95);
        var wBase = Wilson.For(40, 60, 0.95);
        var wCandidate = Wilson.For(30, 60, 0.95);
        double pBase = 40.0 / 60, pCandidate = 30.0 / 60;
        Assert.Equal(pCandidate - pBase - Math.Sqrt(Math.Pow(pCandidate - wCandidate.Lower, 2) + Math.Pow(wBase.Upper - pBase, 2)), c.Interval.Lower, 10);
        Assert.Equal(pCandidate - pBase + Math.Sqrt(Math.Pow(wCandidate.Upper - pCandidate, 2) + Math.Pow(pBase - wBase.Lower, 2)), c.Interval.Upper, 10);
    }

    [Fact]
    public void Newcombe_Coverage_IsAtLeastNominalMinusTwoPoints()
    {
        // 1000 simulated paired datasets of 200 items: base right 80%, candidate loses 30% of
        // those and gains 10% of the rest, so the true difference is 0.8*(-0.3) + 0.2*0.1 = -0.22.
        var random = new Random(7);
        const double truth = -0.22;
        int covered = 0;
        for (int s = 0; s < 1000; s++)
        {
            var b = new bool[200];
            var c = new bool[200];
            for (int i = 0; i < 200; i++)
            {
                b[i] = random.NextDouble() < 0.8;
                c[i] = b[i] ? random.NextDouble() >= 0.3 : random.NextDouble() < 0.1;
            }
            if (PairedProportions.Compare(b, c, 0.95).Interval.Contains(truth)) covered++;
        }
        Assert.True(covered >= 930, $"coverage {covered / 10.0}%");
    }

    [Fact]
    public void Holm_AdjustsStepDownAndKeepsOrder()
    {
        var adjusted = Holm.Adjust([0.01, 0.04, 0.03]);
        Assert.Equal([0.03, 0.06, 0.06], adjusted.Select(a => Math.Round(a, 10)));
    }
}
