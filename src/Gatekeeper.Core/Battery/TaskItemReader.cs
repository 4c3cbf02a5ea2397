using Gatekeeper.Specs;
using Gatekeeper.Tasks;

namespace Gatekeeper.Battery;

/// <summary>
/// Turns a task's data file into items: each row through the task's kind (fields mapped, template
/// rendered, the row checked), ids unique, the limit applied.
/// </summary>
public static class TaskItemReader
{
    public static IReadOnlyList<TaskItem> Read(TaskSpec task)
    {
        var rows = DataFile.Read(task.Data, task.Columns);
        var items = new List<TaskItem>();
        var ids = new HashSet<string>();
        foreach (var row in rows)
        {
            if (task.Limit is { } limit && items.Count >= limit) break;
            var taskRow = new TaskRow(task, row);
            var item = task.Kind.ToItem(task, taskRow);
            if (task.Cluster is { } cluster) item = item with { Cluster = cluster.Of(taskRow, item.Id) };
            if (!ids.Add(item.Id))
                throw new BadInputException(task.Data, row.Line, $"item id '{item.Id}' appears twice; ids must be unique within a task.");
            items.Add(item);
        }
        if (items.Count == 0) throw new BadInputException(task.Data, null, $"task '{task.Name}' has no items.");
        return task.FewShot is { } fewShot ? WithExamples(task, fewShot, items) : items;
    }

    /// <summary>Each item's prompt after its solved examples: "prompt answer", a blank line between, the item's prompt last.</summary>
    private static List<TaskItem> WithExamples(TaskSpec task, FewShotSpec fewShot, List<TaskItem> items)
    {
        var examples = DataFile.Read(fewShot.Data, task.Columns).Select(row => task.Kind.ToItem(task, new TaskRow(task with { Data = fewShot.Data }, row))).ToList();
        return items.Select(item =>
        {
            // Never the item itself; the same item gets the same examples whatever else is read.
            var candidates = examples.Where(e => e.Prompt != item.Prompt).ToList();
            if (candidates.Count < fewShot.Count)
                throw new BadInputException(fewShot.Data, null, $"task '{task.Name}' asks for {fewShot.Count} examples, and this file has {candidates.Count} besides item '{item.Id}'.");
            var random = new Random(StableSeed(fewShot.Seed, item.Id));
            var chosen = candidates.OrderBy(_ => random.Next()).Take(fewShot.Count);
            var prefix = string.Concat(chosen.Select(e => $"{e.Prompt} {e.Answer}\n\n"));
            return item with { Prompt = prefix + item.Prompt };
        }).ToList();
    }

    /// <summary>A seed from the task's seed and an item id that does not change between runs or machines (string.GetHashCode does).</summary>
    private static int StableSeed(int seed, string id)
    {
        var hash = System.Security.Cryptography.SHA256.HashData(System.Text.Encoding.UTF8.GetBytes($"{seed}:{id}"));
        return BitConverter.ToInt32(hash, 0) & int.MaxValue;
    }
}
