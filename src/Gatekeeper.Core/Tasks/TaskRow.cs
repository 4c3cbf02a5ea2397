using System.Text.Json;
using System.Text.RegularExpressions;
using Gatekeeper.Battery;
using Gatekeeper.Specs;

namespace Gatekeeper.Tasks;

/// <summary>
/// One row of a task's data file as a kind reads it: fields through the task's mapping, the prompt
/// rendered from its template, and errors that name the file, the line and the fix.
/// </summary>
public sealed partial class TaskRow
{
    private readonly TaskSpec _task;
    private readonly DataFile.Row _row;

    public TaskRow(TaskSpec task, DataFile.Row row)
    {
        _task = task;
        _row = row;
    }

    public FieldMapping Fields => _task.Fields;

    public int Line => _row.Line;

    /// <summary>The item's id: the id field, else the line.</summary>
    public string Id => Text(Fields.Id) ?? $"line-{_row.Line}";

    /// <summary>A field's value, by name or by a path with dots into nested fields (<see cref="FieldPath"/>); null when absent.</summary>
    public JsonElement? Value(string field) => FieldPath.Resolve(_row.Fields, field);

    /// <summary>A field as text (numbers and other JSON as written); null when absent or null.</summary>
    public string? Text(string field) => FieldPath.Text(_row.Fields, field);

    /// <summary>A required field as text, or bad input naming it as <paramref name="what"/>.</summary>
    public string Required(string field, string what) => Text(field) ?? throw Missing(field, what);

    /// <summary>A list field: a JSON array, or a text of values joined by '|' (CSV); empty when absent.</summary>
    public IReadOnlyList<string> List(string field)
    {
        if (Value(field) is not { } value) return [];
        if (value.ValueKind == JsonValueKind.Array) return value.EnumerateArray().Select(v => v.ValueKind == JsonValueKind.String ? v.GetString()! : v.GetRawText()).ToList();
        if (value.ValueKind == JsonValueKind.String) return value.GetString()!.Split('|').ToList();
        return [];
    }

    /// <summary>The task's template rendered with the prompt field and any other field in braces.</summary>
    public string Prompt()
    {
        var prompt = Required(Fields.Prompt, "prompt");
        return Placeholder().Replace(_task.Template, m =>
        {
            var name = m.Groups[1].Value;
            if (name == "prompt") return prompt;
            return Text(name) ?? throw Problem($"the template of task '{_task.Name}' uses {{{name}}}, which this row lacks.");
        });
    }

    /// <summary>Bad input at this row.</summary>
    public BadInputException Problem(string message) => new(_task.Data, _row.Line, message);

    public BadInputException Missing(string field, string what) =>
        Problem($"no '{field}' field for the {what}. Add it, or map another column with 'fields' in task '{_task.Name}'.");

    [GeneratedRegex(@"\{([A-Za-z_][A-Za-z0-9_]*)\}")]
    private static partial Regex Placeholder();
}
