using System.Text.Json;
using System.Text.RegularExpressions;
using Gatekeeper.Specs;

namespace Gatekeeper.Battery;

/// <summary>Turns a task's data file into items: fields mapped, template rendered, each row checked.</summary>
public static partial class TaskItemReader
{
    public static IReadOnlyList<TaskItem> Read(TaskSpec task)
    {
        var rows = DataFile.Read(task.Data);
        var items = new List<TaskItem>();
        var ids = new HashSet<string>();
        foreach (var row in rows)
        {
            if (task.Limit is { } limit && items.Count >= limit) break;
            var item = ToItem(task, row);
            if (!ids.Add(item.Id))
                throw new BadInputException(task.Data, row.Line, $"item id '{item.Id}' appears twice; ids must be unique within a task.");
            items.Add(item);
        }
        if (items.Count == 0) throw new BadInputException(task.Data, null, $"task '{task.Name}' has no items.");
        return items;
    }

    private static TaskItem ToItem(TaskSpec task, DataFile.Row row)
    {
        var f = task.Fields;
        string id = Text(row, f.Id) ?? $"line-{row.Line}";
        if (task.Kind == TaskKind.Drift)
        {
            var text = Text(row, f.Text) ?? throw Missing(task, row, f.Text, "text");
            return new TaskItem(id, text, "", [], null);
        }
        string prompt = Text(row, f.Prompt) ?? throw Missing(task, row, f.Prompt, "prompt");
        string answer = Text(row, f.Answer) ?? "";
        string? label = Text(row, f.Label);
        var choices = Choices(row, f.Choices);

        switch (task.Kind)
        {
            case TaskKind.MultipleChoice:
                if (choices.Count < 2) throw new BadInputException(task.Data, row.Line, $"multiple-choice items need at least two '{f.Choices}'.");
                if (int.TryParse(answer, out int index) && index >= 0 && index < choices.Count) answer = choices[index];
                if (!choices.Contains(answer))
                    throw new BadInputException(task.Data, row.Line, $"'{f.Answer}' must be one of the choices or a zero-based index into them.");
                break;
            case TaskKind.Generate:
                if (answer.Length == 0 && task.Matcher is not (MatcherKind.Json or MatcherKind.Regex))
                    throw Missing(task, row, f.Answer, "answer");
                break;
            case TaskKind.Refusal:
                if (label is null) throw Missing(task, row, f.Label, "label (harmful or benign)");
                break;
        }
        return new TaskItem(id, Render(task, row, prompt), answer, choices, label);
    }

    private static string Render(TaskSpec task, DataFile.Row row, string prompt) =>
        Placeholder().Replace(task.Template, m =>
        {
            var name = m.Groups[1].Value;
            if (name == "prompt") return prompt;
            return Text(row, name) ?? throw new BadInputException(task.Data, row.Line, $"the template of task '{task.Name}' uses {{{name}}}, which this row lacks.");
        });

    private static string? Text(DataFile.Row row, string field)
    {
        if (!row.Fields.TryGetValue(field, out var value)) return null;
        return value.ValueKind switch
        {
            JsonValueKind.String => value.GetString(),
            JsonValueKind.Null => null,
            _ => value.GetRawText(),
        };
    }

    private static List<string> Choices(DataFile.Row row, string field)
    {
        if (!row.Fields.TryGetValue(field, out var value)) return [];
        if (value.ValueKind == JsonValueKind.Array) return value.EnumerateArray().Select(v => v.ValueKind == JsonValueKind.String ? v.GetString()! : v.GetRawText()).ToList();
        if (value.ValueKind == JsonValueKind.String) return value.GetString()!.Split('|').ToList();
        return [];
    }

    private static BadInputException Missing(TaskSpec task, DataFile.Row row, string field, string what) =>
        new(task.Data, row.Line, $"no '{field}' field for the {what}. Add it, or map another column with 'fields' in task '{task.Name}'.");

    [GeneratedRegex(@"\{([A-Za-z_][A-Za-z0-9_]*)\}")]
    private static partial Regex Placeholder();
}
