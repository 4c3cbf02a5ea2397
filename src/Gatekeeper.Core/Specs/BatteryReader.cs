using Gatekeeper.Tasks;
using YamlDotNet.RepresentationModel;

namespace Gatekeeper.Specs;

/// <summary>Reads a gate spec's <c>battery:</c>, a list of tasks, and the field mappings of data files.</summary>
internal static class BatteryReader
{
    public static List<TaskSpec> Read(YamlFields gate, string folder)
    {
        var tasks = new List<TaskSpec>();
        var node = gate.Node("battery");
        if (node is not YamlSequenceNode sequence || sequence.Children.Count == 0)
        {
            gate.Problem(node, "gate: 'battery' must be a non-empty list of tasks.");
            return tasks;
        }
        var names = new HashSet<string>();
        for (int i = 0; i < sequence.Children.Count; i++)
        {
            if (sequence.Children[i] is not YamlMappingNode mapping)
            {
                gate.Problem(sequence.Children[i], $"battery[{i}]: each task must be a mapping with name, category, kind and data.");
                continue;
            }
            var task = new YamlFields(gate.File, mapping, gate.Problems, $"battery[{i}]");
            var spec = ReadTask(task, folder);
            if (spec is null) continue;
            if (!names.Add(spec.Name)) task.Problem(task.Node("name"), $"{task.Where}: task name '{spec.Name}' is used twice; names must be unique.");
            tasks.Add(spec);
        }
        return tasks;
    }

    private static TaskSpec? ReadTask(YamlFields task, string folder)
    {
        var name = task.Name("name");
        var category = task.Choice<TaskCategory>("category", required: true);
        var kindName = task.String("kind", required: true);
        var kind = kindName is null ? null : TaskKind.Named(kindName);
        if (kindName is not null && kind is null)
            task.Problem(task.Node("kind"), $"{task.Where}: 'kind' is '{kindName}'; use one of: {string.Join(", ", TaskKind.All.Select(k => k.Name))}.");
        var data = task.ExistingPath("data", folder, required: true, directory: false);
        var spec = new TaskSpec
        {
            Name = name ?? "",
            Category = category ?? TaskCategory.General,
            Kind = kind ?? TaskKind.Generate,
            Settings = kind?.ReadSettings(task) ?? TaskSettings.None,
            Version = task.Integer("version", 1) ?? 1,
            Data = data ?? "",
            Fields = ReadFields(task),
            Template = task.String("template") ?? "{prompt}",
            PromptFormat = task.Choice<PromptFormat>("prompt_format") ?? PromptFormat.Plain,
            Limit = task.Integer("limit", 1),
        };
        // A key of another kind is a task declared with the wrong kind, or the key on the wrong task.
        if (kind is not null)
        {
            foreach (var key in TaskKind.All.SelectMany(k => k.Keys).Distinct().Except(kind.Keys))
            {
                if (task.Node(key) is { } node) task.Problem(node, $"{task.Where}: '{key}' applies only to kind {KindsWith(key)}, not {kind.Name}.");
            }
        }
        task.RejectUnknownKeys();
        return name is null || category is null || kind is null || data is null ? null : spec;
    }

    private static string KindsWith(string key) => string.Join(" or ", TaskKind.All.Where(k => k.Keys.Contains(key)).Select(k => k.Name));

    public static FieldMapping ReadFields(YamlFields owner)
    {
        var fields = owner.Mapping("fields");
        if (fields is null) return new FieldMapping();
        var defaults = new FieldMapping();
        var mapping = new FieldMapping
        {
            Prompt = fields.String("prompt") ?? defaults.Prompt,
            Answer = fields.String("answer") ?? defaults.Answer,
            Choices = fields.String("choices") ?? defaults.Choices,
            Label = fields.String("label") ?? defaults.Label,
            Text = fields.String("text") ?? defaults.Text,
            Id = fields.String("id") ?? defaults.Id,
        };
        fields.RejectUnknownKeys();
        return mapping;
    }
}
