using Gatekeeper.Statistics;
using Xunit.Abstractions;

namespace Gatekeeper.Core.Tests.Statistics;

/// <summary>
/// Coverage by simulation: batteries of clustered items whose outcomes are correlated within a
/// cluster, with a known true change, gated many times; the share of 95% intervals that contain the
/// true change is counted.
/// </summary>
public class ClusteredCoverageTests(ITestOutputHelper output)
{
    private const double Confidence = 0.95;
    private const int Simulations = 1000;

    /// <summary>The paired outcome distribution of one item: both right, base only, candidate only (neither is the rest).</summary>
    private sealed record Table(double Both, double BaseOnly, double CandidateOnly)
    {
        public double TrueChange => CandidateOnly - BaseOnly;

        public (bool Base, bool Candidate) Draw(Random random)
        {
            double u = random.NextDouble();
            return u < Both ? (true, true) : u < Both + BaseOnly ? (true, false) : u < Both + BaseOnly + CandidateOnly ? (false, true) : (false, false);
        }
    }

    private static readonly Table Forgetting = new(0.70, 0.12, 0.04);    // a drop of 0.08, some gains
    private static readonly Table OneSided = new(0.80, 0.06, 0.00);      // a drop of 0.06, no gains: forgetting as fine-tunes show it

    /// <summary>
    /// A battery of <paramref name="clusters"/> clusters of <paramref name="size"/> items: each item
    /// copies its cluster's draw with probability <paramref name="correlation"/>, else draws alone, so
    /// every item has the table's distribution and items of a cluster are correlated by about that much.
    /// </summary>
    private static List<(bool Base, bool Candidate, string Cluster)> Battery(Table table, int clusters, int size, double correlation, Random random)
    {
        var items = new List<(bool, bool, string)>(clusters * size);
        for (int g = 0; g < clusters; g++)
        {
            var shared = table.Draw(random);
            for (int i = 0; i < size; i++)
            {
                var (b, c) = random.NextDouble() < correlation ? shared : table.Draw(random);
                items.Add((b, c, $"c{g}"));
            }
        }
        return items;
    }

    private static (double Clustered, double Unclustered) Coverage(Table table, int clusters, int size, double correlation, int seed)
    {
        var random = new Random(seed);
        int clustered = 0, unclustered = 0;
        for (int s = 0; s < Simulations; s++)
        {
            var battery = Battery(table, clusters, size, correlation, random);
            if (ClusteredPairedProportions.Measure(battery)(Confidence).Interval.Contains(table.TrueChange)) clustered++;
            var counts = PairedCounts.From(battery.Select(p => (p.Base, p.Candidate)));
            if (PairedProportions.FromCounts(counts, Confidence).Interval.Contains(table.TrueChange)) unclustered++;
        }
        return ((double)clustered / Simulations, (double)unclustered / Simulations);
    }

    public static TheoryData<int, double> Designs()
    {
        var designs = new TheoryData<int, double>();
        foreach (int size in new[] { 1, 2, 5, 10 })
            foreach (double correlation in new[] { 0.0, 0.3, 0.6, 0.9 })
                designs.Add(size, correlation);
        return designs;
    }

    [Theory]
    [MemberData(nameof(Designs))]
    public void ClusteredInterval_CoversTheTrueChange_AtLeastNominalLessTwoPoints(int size, double correlation)
    {
        foreach (var (name, table) in new[] { ("forgetting", Forgetting), ("one-sided", OneSided) })
        {
            // About 300 items, as the shipped batteries have, in as many clusters as the size allows.
            var (clustered, unclustered) = Coverage(table, clusters: 300 / size, size, correlation, seed: 17 * size + (int)(correlation * 10));
            output.WriteLine($"{name}, clusters of {size}, correlation {correlation:F1}: clustered {clustered:P1}, unclustered {unclustered:P1}");
            Assert.True(clustered >= Confidence - 0.02, $"{name}, clusters of {size}, correlation {correlation}: clustered coverage {clustered:P1}");
        }
    }

    /// <summary>The reason for clusters: with strongly correlated clusters the independent-items interval covers far less than it claims.</summary>
    [Fact]
    public void UnclusteredInterval_FallsShort_WhenItemsOfAClusterMoveTogether()
    {
        var (clustered, unclustered) = Coverage(Forgetting, clusters: 30, size: 10, correlation: 0.9, seed: 5);
        output.WriteLine($"clusters of 10, correlation 0.9: clustered {clustered:P1}, unclustered {unclustered:P1}");
        Assert.True(unclustered < 0.80, $"unclustered coverage {unclustered:P1}");
        Assert.True(clustered >= Confidence - 0.02, $"clustered coverage {clustered:P1}");
    }

    [Fact]
    public void ClustersOfOne_AreTodaysRule()
    {
        var random = new Random(3);
        for (int s = 0; s < 200; s++)
        {
            var battery = Battery(Forgetting, clusters: 40 + s % 50, size: 1, correlation: 0, random);
            var counts = PairedCounts.From(battery.Select(p => (p.Base, p.Candidate)));
            Assert.Equal(PairedProportions.FromCounts(counts, Confidence), ClusteredPairedProportions.Measure(battery)(Confidence));
        }
    }
}
