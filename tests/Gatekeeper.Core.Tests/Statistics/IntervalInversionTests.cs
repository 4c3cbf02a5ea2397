using Gatekeeper.Statistics;
using Gatekeeper.Verdicts;

namespace Gatekeeper.Core.Tests.Statistics;

public class IntervalInversionTests
{
    public static TheoryData<int, int, int, int> Tables => new()
    {
        { 200, 30, 2, 68 }, { 200, 8, 5, 87 }, { 150, 20, 10, 120 }, { 90, 3, 1, 6 }, { 250, 0, 0, 50 }, { 10, 40, 0, 250 },
    };

    [Theory]
    [MemberData(nameof(Tables))]
    public void SingleCheck_PValueDecisionEqualsTheIntervalRule(int both, int baseOnly, int candidateOnly, int neither)
    {
        var counts = new PairedCounts(both, baseOnly, candidateOnly, neither);
        Interval At(double confidence) => PairedProportions.FromCounts(counts, confidence).Interval;
        foreach (var rule in new[] { CheckRule.NonInferiority(0.05), CheckRule.NonInferiority(0.0), CheckRule.Superiority(0.05), CheckRule.MaxRise(0.02) })
        {
            double pass = IntervalInversion.PValue(At, rule.Limit, above: rule.HigherIsBetter, limitIncluded: true);
            double fail = IntervalInversion.PValue(At, rule.Limit, above: !rule.HigherIsBetter);
            var byP = fail < 0.05 ? CheckOutcome.Fail : pass < 0.05 ? CheckOutcome.Pass : CheckOutcome.Inconclusive;
            Assert.Equal(rule.Judge(At(0.95)), byP);
        }
    }

    [Fact]
    public void PValue_IntervalEndingAtTheLimit_IsOnItsSideOnlyWhenTheLimitIsIncluded()
    {
        // "May drop by at most 0": an exact interval [0, 0] meets that margin but does not exceed it.
        Assert.True(IntervalInversion.PValue(_ => new Interval(0, 0), 0.0, above: true, limitIncluded: true) < 1e-9);
        Assert.Equal(1, IntervalInversion.PValue(_ => new Interval(0, 0), 0.0, above: true));
        Assert.Equal(1, IntervalInversion.PValue(_ => new Interval(0, 0), 0.0, above: false));
    }

    [Fact]
    public void PValue_OfAnIntervalThatNeverExcludesTheLimit_IsOne() =>
        Assert.Equal(1, IntervalInversion.PValue(_ => new Interval(-0.1, 0.1), 0.0, above: true));
}
