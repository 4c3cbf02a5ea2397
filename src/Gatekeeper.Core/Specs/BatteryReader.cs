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
            var spec = task.Node("task") is null ? ReadTask(task, folder) : ReadReference(task, folder);
            if (spec is null) continue;
            if (!names.Add(spec.Name)) task.Problem(task.Node("name"), $"{task.Where}: task name '{spec.Name}' is used twice; names must be unique.");
            tasks.Add(spec);
        }
        return tasks;
    }

    /// <summary>
    /// A battery entry that names a task spec file (<c>task: tasks/gsm8k.yaml</c>), which holds the keys
    /// of an inline task with paths relative to its own folder. The entry may also set the task's
    /// <c>category</c> and <c>limit</c>, so one task file serves several gates.
    /// </summary>
    private static TaskSpec? ReadReference(YamlFields entry, string folder)
    {
        var path = entry.ExistingPath("task", folder, required: true, directory: false);
        var category = entry.Choice<TaskCategory>("category");
        var limit = entry.Integer("limit", 1);
        entry.RejectUnknownKeys();
        if (path is null) return null;
        YamlMappingNode root;
        try
        {
            var stream = new YamlStream();
            using (var reader = new StreamReader(path)) stream.Load(reader);
            if (stream.Documents.Count == 0 || stream.Documents[0].RootNode is not YamlMappingNode mapping)
            {
                entry.Problem(entry.Node("task"), $"{entry.Where}: {path} must be a YAML mapping with a task's keys (name, category, kind, data, ...).");
                return null;
            }
            root = mapping;
        }
        catch (YamlDotNet.Core.YamlException e)
        {
            entry.Problems.Add(new InputProblem(path, (int)e.Start.Line, $"not valid YAML: {e.InnerException?.Message ?? e.Message}"));
            return null;
        }
        var spec = ReadTask(new YamlFields(path, root, entry.Problems, Path.GetFileName(path)), Path.GetDirectoryName(path)!);
        return spec is null ? null : spec with { Category = category ?? spec.Category, Limit = limit ?? spec.Limit };
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
        var pinned = task.String("sha256")?.ToLowerInvariant();
        if (pinned is not null && (pinned.Length != 64 || !pinned.All(char.IsAsciiHexDigit)))
            task.Problem(task.Node("sha256"), $"{task.Where}: 'sha256' must be 64 hexadecimal digits (sha256sum prints them), not '{pinned}'.");
        else if (pinned is not null && data is not null && Sha256(data) is var actual && actual != pinned)
            task.Problem(task.Node("sha256"), $"{task.Where}: {data} has sha256 {actual}, not the pinned {pinned}: the file changed since it was pinned. Pin the new hash if the change is intended.");
        var spec = new TaskSpec
        {
            Name = name ?? "",
            Category = category ?? TaskCategory.General,
            Kind = kind ?? TaskKind.Generate,
            Settings = kind?.ReadSettings(task) ?? TaskSettings.None,
            Version = task.Integer("version", 1) ?? 1,
            Data = data ?? "",
            DataSha256 = pinned,
            Columns = task.Strings("columns"),
            Fields = ReadFields(task),
            Template = task.String("template") ?? "{prompt}",
            PromptFormat = task.Choice<PromptFormat>("prompt_format") ?? PromptFormat.Plain,
            Limit = task.Integer("limit", 1),
            FewShot = ReadFewShot(task, folder, kind),
            Cluster = ReadCluster(task),
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

    private static ClusterSpec? ReadCluster(YamlFields task)
    {
        var field = task.String("cluster_field");
        var separator = task.String("cluster_id_separator");
        if (field is not null && separator is not null)
            task.Problem(task.Node("cluster_id_separator"), $"{task.Where}: give 'cluster_field' or 'cluster_id_separator', not both: an item has one cluster.");
        if (separator is { Length: 0 })
            task.Problem(task.Node("cluster_id_separator"), $"{task.Where}: 'cluster_id_separator' is empty; give the character that ends an id's cluster, e.g. \"/\".");
        return field is null && separator is null ? null : new ClusterSpec { Field = field, IdSeparator = field is null ? separator : null };
    }

    private static FewShotSpec? ReadFewShot(YamlFields task, string folder, ITaskKind? kind)
    {
        var fields = task.Mapping("few_shot");
        if (fields is null) return null;
        var defaults = new FewShotSpec { Data = "" };
        var data = fields.ExistingPath("data", folder, required: true, directory: false);
        var spec = new FewShotSpec
        {
            Data = data ?? "",
            Count = fields.Integer("count", 1, 64) ?? defaults.Count,
            Seed = fields.Integer("seed") ?? defaults.Seed,
        };
        fields.RejectUnknownKeys();
        if (kind is { AnswersDemonstrate: false })
            task.Problem(task.Node("few_shot"), $"{task.Where}: 'few_shot' shows solved examples, which a {kind.Name} task has not; it applies to {string.Join(" and ", TaskKind.All.Where(k => k.AnswersDemonstrate).Select(k => k.Name))} tasks.");
        if (task.Node("prompt_format") is YamlScalarNode { Value: "chat" })
            task.Problem(task.Node("few_shot"), $"{task.Where}: 'few_shot' puts examples in plain text before the prompt; use it with prompt_format plain.");
        return data is null ? null : spec;
    }

    private static string Sha256(string path)
    {
        using var stream = File.OpenRead(path);
        return Convert.ToHexStringLower(System.Security.Cryptography.SHA256.HashData(stream));
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
            Choices = fields.Node("choices") is YamlSequenceNode ? defaults.Choices : fields.String("choices") ?? defaults.Choices,
            ChoiceFields = fields.Node("choices") is YamlSequenceNode ? fields.Strings("choices") : null,
            ChoiceLabels = fields.String("choice_labels"),
            ChoiceFlags = fields.String("choice_flags"),
            Label = fields.String("label") ?? defaults.Label,
            Text = fields.String("text") ?? defaults.Text,
            Id = fields.String("id") ?? defaults.Id,
        };
        fields.RejectUnknownKeys();
        return mapping;
    }
}
