namespace Gatekeeper.Battery;

/// <summary>
/// Combines the outcomes of a battery's shards into the file an unsharded evaluation writes:
/// refuses shards of different models, batteries or program versions, and missing or repeated
/// shards, and puts the outcomes back in the battery's order.
/// </summary>
public static class ShardMerger
{
    /// <param name="battery">The battery the shards were cut from, in its order: task names and item ids.</param>
    /// <param name="shards">Each shard's folder, manifest and outcomes.</param>
    public static IReadOnlyList<ItemOutcome> Merge(IReadOnlyList<(string Task, IReadOnlyList<string> ItemIds)> battery,
        IReadOnlyList<(string Folder, ShardManifest Manifest, IReadOnlyList<ItemOutcome> Outcomes)> shards)
    {
        if (shards.Count == 0) throw new BadInputException("merge", null, "no shards given; pass each shard's folder.");
        var (firstFolder, first, _) = shards[0];
        foreach (var (folder, manifest, _) in shards.Skip(1))
        {
            string? differs = manifest.ModelSha256 != first.ModelSha256 ? $"another model ({manifest.ModelSha256[..12]}, not {first.ModelSha256[..12]})"
                : manifest.CodeVersion != first.CodeVersion ? $"another program version ({manifest.CodeVersion}, not {first.CodeVersion})"
                : manifest.BatterySha256 != first.BatterySha256 ? "another battery (a task's definition or data differs)"
                : manifest.Of != first.Of ? $"another split ({manifest.Of} shards, not {first.Of})"
                : null;
            if (differs is not null) throw new BadInputException(Path.Combine(folder, ShardManifest.FileName), null, $"this shard comes from {differs} than {firstFolder}; merge only shards of one evaluation.");
        }
        var numbers = shards.Select(s => s.Manifest.Shard).ToList();
        var repeated = numbers.GroupBy(n => n).Where(g => g.Count() > 1).Select(g => g.Key).ToList();
        if (repeated.Count > 0) throw new BadInputException("merge", null, $"shard {string.Join(", ", repeated)} of {first.Of} is given more than once.");
        var missing = Enumerable.Range(1, first.Of).Except(numbers).ToList();
        if (missing.Count > 0) throw new BadInputException("merge", null, $"shard {string.Join(", ", missing)} of {first.Of} is missing; every shard is needed.");

        var byItem = new Dictionary<(string, string), ItemOutcome>();
        foreach (var (folder, _, outcomes) in shards)
        {
            foreach (var outcome in outcomes)
            {
                if (!byItem.TryAdd((outcome.Task, outcome.ItemId), outcome))
                    throw new BadInputException(Path.Combine(folder, ShardManifest.OutcomesFileName), null, $"item '{outcome.ItemId}' of task '{outcome.Task}' is in two shards.");
            }
        }
        var merged = new List<ItemOutcome>();
        foreach (var (task, ids) in battery)
        {
            foreach (var id in ids)
                merged.Add(byItem.Remove((task, id), out var outcome) ? outcome : throw new BadInputException("merge", null, $"no shard has item '{id}' of task '{task}'."));
        }
        if (byItem.Count > 0)
            throw new BadInputException("merge", null, $"the shards hold {byItem.Count} outcomes the battery has no item for, e.g. '{byItem.Keys.First().Item2}' of task '{byItem.Keys.First().Item1}'.");
        return merged;
    }
}
