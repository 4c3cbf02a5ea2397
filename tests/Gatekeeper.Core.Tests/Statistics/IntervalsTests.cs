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

    [Theory]
    [InlineData(200)]
    [InlineData(30)]
    public void Tango_NoDiscordantPairs_IsPlusMinusZSquaredOverNPlusZSquared(int n)
    {
        // With b = c = 0 the score equation solves by hand: T(delta) = -sqrt(n delta / (1 - delta))
        // above 0 and sqrt(-n delta / (1 + delta)) below, so the bounds are -+z^2 / (n + z^2).
        double z2 = Math.Pow(Normal.TwoSidedCritical(0.95), 2);
        var interval = PairedProportions.FromCounts(both: n / 2, baseOnly: 0, candidateOnly: 0, neither: n - n / 2, confidence: 0.95).Interval;
        Assert.Equal(-z2 / (n + z2), interval.Lower, 9);
        Assert.Equal(z2 / (n + z2), interval.Upper, 9);
    }

    [Fact]
    public void Tango_ZeroIsInTheInterval_ExactlyWhenMcNemarsScoreTestAccepts()
    {
        // At delta 0 Tango's statistic is McNemar's (c - b) / sqrt(b + c).
        double z = Normal.TwoSidedCritical(0.95);
        for (int b = 0; b <= 30; b++)
        {
            for (int c = 0; c <= 30; c++)
            {
                if (b + c == 0) continue;
                var interval = TangoInterval.For(b, c, 120, 0.95);
                bool accepts = Math.Abs(c - b) / Math.Sqrt(b + c) <= z;
                Assert.True(accepts == interval.Contains(0), $"b {b}, c {c}: [{interval.Lower}, {interval.Upper}]");
            }
        }
    }

    [Theory]
    [InlineData(12, 3, 90)]
    [InlineData(0, 9, 40)]
    [InlineData(40, 20, 160)]
    public void Tango_BoundsSolveTheScoreEquation(int baseOnly, int candidateOnly, int n)
    {
        double z = Normal.TwoSidedCritical(0.95);
        var interval = TangoInterval.For(baseOnly, candidateOnly, n, 0.95);
        Assert.Equal(z, TangoInterval.Statistic(baseOnly, candidateOnly, n, interval.Lower), 6);
        Assert.Equal(-z, TangoInterval.Statistic(baseOnly, candidateOnly, n, interval.Upper), 6);
        Assert.Equal(-1, TangoInterval.For(n, 0, n, 0.95).Lower);   // every item lost: the drop can be total
    }

    [Fact]
    public void Tango_ExactCoverage_IsAtLeastNominalMinusTwoPoints()
    {
        // Coverage computed exactly, summing the multinomial probability of every (b, c) whose
        // interval holds the true difference. The grid includes one-sided forgetting (the
        // candidate loses items and gains none), where square-and-add intervals fall far short.
        foreach (int n in new[] { 50, 125, 300 })
        foreach (double pBaseOnly in new[] { 0.0, 0.01, 0.03, 0.1 })
        foreach (double pCandidateOnly in new[] { 0.0, 0.01, 0.03 })
        {
            double coverage = ExactCoverage(n, pBaseOnly, pCandidateOnly);
            Assert.True(coverage >= 0.93, $"n {n}, base only {pBaseOnly}, candidate only {pCandidateOnly}: coverage {coverage:0.0000}");
        }
    }

    private static double ExactCoverage(int n, double pBaseOnly, double pCandidateOnly)
    {
        double truth = pCandidateOnly - pBaseOnly, covered = 0;
        int Reach(double p) => Math.Min(n, (int)(n * p + 8 * Math.Sqrt(n * p + 1) + 10));
        for (int b = 0; b <= Reach(pBaseOnly); b++)
        {
            for (int c = 0; c <= Math.Min(Reach(pCandidateOnly), n - b); c++)
            {
                double logP = LogFactorial(n) - LogFactorial(b) - LogFactorial(c) - LogFactorial(n - b - c)
                    + Term(b, pBaseOnly) + Term(c, pCandidateOnly) + Term(n - b - c, 1 - pBaseOnly - pCandidateOnly);
                if (TangoInterval.For(b, c, n, 0.95).Contains(truth)) covered += Math.Exp(logP);
            }
        }
        return covered;
    }

    private static double Term(int k, double p) => k == 0 ? 0 : p <= 0 ? double.NegativeInfinity : k * Math.Log(p);

    private static double LogFactorial(int k) => Enumerable.Range(1, k).Sum(i => Math.Log(i));

    [Fact]
    public void Tango_SimulatedCoverage_IsAtLeastNominalMinusTwoPoints()
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
