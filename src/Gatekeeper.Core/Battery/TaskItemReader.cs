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
            var item = task.Kind.ToItem(task, new TaskRow(task, row));
            if (!ids.Add(item.Id))
                throw new BadInputException(task.Data, row.Line, $"item id '{item.Id}' appears twice; ids must be unique within a task.");
            items.Add(item);
        }
        if (items.Count == 0) throw new BadInputException(task.Data, null, $"task '{task.Name}' has no items.");
        return items;
    }
}
