using System.Globalization;

namespace Gatekeeper.Battery;

/// <summary>
/// One of <see cref="Count"/> deterministic slices of a battery, so that evaluation can be split
/// across CI runners: item i of the battery (tasks in the spec's order, items in their files')
/// belongs to shard (i mod n) + 1, which spreads every task over every shard.
/// </summary>
public sealed record Shard(int Index, int Count)
{
    public static Shard Whole { get; } = new(1, 1);

    /// <summary>"k/n", 1 ≤ k ≤ n; null with a message when the text is not one.</summary>
    public static Shard? Parse(string text, out string? problem)
    {
        var parts = text.Split('/');
        problem = null;
        if (parts.Length == 2 && int.TryParse(parts[0], NumberStyles.None, CultureInfo.InvariantCulture, out int k)
            && int.TryParse(parts[1], NumberStyles.None, CultureInfo.InvariantCulture, out int n) && n >= 1 && k >= 1 && k <= n)
            return new Shard(k, n);
        problem = $"'{text}' is not a shard; give k/n with 1 <= k <= n, e.g. 2/4 for the second of four.";
        return null;
    }

    /// <summary>This shard's items of each task, in the battery's order.</summary>
    public IReadOnlyList<(T Task, IReadOnlyList<TaskItem> Items)> Select<T>(IReadOnlyList<(T Task, IReadOnlyList<TaskItem> Items)> battery)
    {
        var slices = new List<(T, IReadOnlyList<TaskItem>)>();
        int position = 0;
        foreach (var (task, items) in battery)
        {
            var mine = new List<TaskItem>();
            foreach (var item in items)
            {
                if (position++ % Count == Index - 1) mine.Add(item);
            }
            slices.Add((task, mine));
        }
        return slices;
    }

    public bool IsWhole => Count == 1;

    public override string ToString() => $"{Index}/{Count}";
}
