using Gatekeeper.Battery;

namespace Gatekeeper.Core.Tests.Battery;

public sealed class ShardTests
{
    private static readonly IReadOnlyList<(string Task, IReadOnlyList<TaskItem> Items)> Battery =
    [
        ("a", [.. Enumerable.Range(0, 7).Select(i => new TaskItem($"a{i}", "p", "x", [], null))]),
        ("b", [.. Enumerable.Range(0, 4).Select(i => new TaskItem($"b{i}", "p", "x", [], null))]),
    ];

    [Theory]
    [InlineData(1)]
    [InlineData(3)]
    [InlineData(11)]
    [InlineData(20)]
    public void Shards_CoverEveryItemExactlyOnce_AndSpreadEachTask(int count)
    {
        var all = Enumerable.Range(1, count).SelectMany(k => new Shard(k, count).Select(Battery).SelectMany(s => s.Items.Select(i => i.Id))).ToList();
        Assert.Equal(11, all.Count);
        Assert.Equal(11, all.Distinct().Count());
        var sizes = Enumerable.Range(1, count).Select(k => new Shard(k, count).Select(Battery).Sum(s => s.Items.Count)).ToList();
        Assert.True(sizes.Max() - sizes.Min() <= 1, string.Join(",", sizes));
    }

    [Theory]
    [InlineData("2/4", 2, 4)]
    [InlineData("1/1", 1, 1)]
    public void Parse_KOfN(string text, int k, int n) => Assert.Equal(new Shard(k, n), Shard.Parse(text, out _));

    [Theory]
    [InlineData("0/3")]
    [InlineData("4/3")]
    [InlineData("2")]
    [InlineData("a/b")]
    [InlineData("-1/2")]
    public void Parse_Nonsense_SaysWhatAShardIs(string text)
    {
        Assert.Null(Shard.Parse(text, out var problem));
        Assert.Contains("give k/n with 1 <= k <= n", problem);
    }
}
