namespace Gatekeeper.Specs;

/// <summary>
/// Reads a gate spec's <c>policy:</c>: the confidence, what inconclusive means, and the margins, in
/// the sections and per task, that the battery's kinds declare (<see cref="Tasks.ITaskKind.Policy"/>).
/// A key no kind declares, or one set on a task whose checks never read it, is reported.
/// </summary>
internal static class PolicyReader
{
    /// <summary>The one margin the gate checks itself rather than a task: how far the weights may move.</summary>
    private const string ParameterDistanceSection = "drift", ParameterDistanceKey = "max_parameter_distance";

    public static GatePolicy Read(YamlFields gate, IReadOnlyList<TaskSpec> battery)
    {
        var defaults = new GatePolicy();
        var policy = gate.Mapping("policy");
        if (policy is null) return defaults;
        var margins = new Dictionary<string, double>();
        double? maxParameterDistance = null;
        foreach (var section in GatePolicy.Keys.GroupBy(k => k.Section))
        {
            if (policy.Mapping(section.Key) is not { } fields) continue;
            foreach (var key in section)
                if (fields.Number(key.Name, key.Min, key.Max) is { } value) margins[key.Path] = value;
            if (section.Key == ParameterDistanceSection) maxParameterDistance = fields.Number(ParameterDistanceKey, 0, 100);
            fields.RejectUnknownKeys();
        }
        var tasks = new Dictionary<string, IReadOnlyDictionary<string, double>>();
        if (policy.Mapping("tasks") is { } taskFields)
        {
            foreach (var (taskName, fields) in taskFields.Mappings())
            {
                var task = battery.FirstOrDefault(t => t.Name == taskName);
                if (task is null)
                {
                    fields.Problem(null, $"{fields.Where}: no task named '{taskName}' in the battery.");
                    continue;
                }
                tasks[taskName] = TaskMargins(fields, task);
                fields.RejectUnknownKeys();
            }
        }
        var result = new GatePolicy
        {
            Confidence = policy.Number("confidence", 0.5, 0.9999) ?? defaults.Confidence,
            Inconclusive = policy.Choice<InconclusiveMeans>("inconclusive") ?? defaults.Inconclusive,
            MinItems = policy.Integer("min_items", 1) ?? defaults.MinItems,
            MaxParameterDistance = maxParameterDistance,
            Margins = margins,
            Tasks = tasks,
        };
        policy.RejectUnknownKeys();
        return result;
    }

    /// <summary>
    /// The margins set for one task. A key the task's checks never read would be silently ignored (a
    /// margin set on the wrong task, or the wrong margin): it is reported with the keys that do apply.
    /// </summary>
    private static Dictionary<string, double> TaskMargins(YamlFields fields, TaskSpec task)
    {
        var applicable = task.Kind.PolicyKeys(task);
        var margins = new Dictionary<string, double>();
        foreach (var key in applicable)
            if (fields.Number(key.Name, key.Min, key.Max) is { } value) margins[key.Name] = value;
        foreach (var name in GatePolicy.Keys.Select(k => k.Name).Distinct().Except(applicable.Select(k => k.Name)))
        {
            if (fields.Node(name) is { } node)
                fields.Problem(node, $"{fields.Where}: '{name}' does not apply to task '{task.Name}' ({YamlFields.SnakeCase(task.Category.ToString())} {task.Kind.Name}); it takes {string.Join(" or ", applicable.Select(k => k.Name))}.");
        }
        return margins;
    }
}
