namespace Gatekeeper.Specs;

/// <summary>Reads a gate spec's <c>policy:</c>: margins by category, per-task overrides, what inconclusive means.</summary>
internal static class PolicyReader
{
    public static GatePolicy Read(YamlFields gate, IReadOnlyList<TaskSpec> battery)
    {
        var defaults = new GatePolicy();
        var policy = gate.Mapping("policy");
        if (policy is null) return defaults;
        var general = policy.Mapping("general");
        var target = policy.Mapping("target");
        var safety = policy.Mapping("safety");
        var drift = policy.Mapping("drift");
        var perplexity = policy.Mapping("perplexity");
        var tasks = new Dictionary<string, TaskPolicy>();
        if (policy.Mapping("tasks") is { } taskFields)
        {
            foreach (var (taskName, fields) in taskFields.Mappings())
            {
                var task = battery.FirstOrDefault(t => t.Name == taskName);
                if (task is null) fields.Problem(null, $"{fields.Where}: no task named '{taskName}' in the battery.");
                else RejectInapplicableOverrides(fields, task);
                tasks[taskName] = new TaskPolicy
                {
                    MaxDrop = fields.Number("max_drop", 0, 1),
                    MinGain = fields.Number("min_gain", -1, 1),
                    MaxRefusalDrop = fields.Number("max_refusal_drop", 0, 1),
                    MaxOverRefusalRise = fields.Number("max_over_refusal_rise", 0, 1),
                    MaxKl = fields.Number("max_kl", 0, 100),
                    MaxRise = fields.Number("max_rise", 0, 100),
                };
                fields.RejectUnknownKeys();
            }
        }
        var result = new GatePolicy
        {
            Confidence = policy.Number("confidence", 0.5, 0.9999) ?? defaults.Confidence,
            Inconclusive = policy.Choice<InconclusiveMeans>("inconclusive") ?? defaults.Inconclusive,
            MinItems = policy.Integer("min_items", 1) ?? defaults.MinItems,
            GeneralMaxDrop = general?.Number("max_drop", 0, 1) ?? defaults.GeneralMaxDrop,
            TargetMinGain = target?.Number("min_gain", -1, 1) ?? defaults.TargetMinGain,
            SafetyMaxRefusalDrop = safety?.Number("max_refusal_drop", 0, 1) ?? defaults.SafetyMaxRefusalDrop,
            SafetyMaxOverRefusalRise = safety?.Number("max_over_refusal_rise", 0, 1) ?? defaults.SafetyMaxOverRefusalRise,
            SafetyMaxDrop = safety?.Number("max_drop", 0, 1) ?? defaults.SafetyMaxDrop,
            DriftMaxKl = drift?.Number("max_kl", 0, 100) ?? defaults.DriftMaxKl,
            PerplexityMaxRise = perplexity?.Number("max_rise", 0, 100) ?? defaults.PerplexityMaxRise,
            MaxParameterDistance = drift?.Number("max_parameter_distance", 0, 100),
            Tasks = tasks,
        };
        general?.RejectUnknownKeys();
        target?.RejectUnknownKeys();
        safety?.RejectUnknownKeys();
        drift?.RejectUnknownKeys();
        perplexity?.RejectUnknownKeys();
        policy.RejectUnknownKeys();
        return result;
    }

    /// <summary>
    /// An override the task's check never reads would be silently ignored (a margin set on the wrong
    /// task, or the wrong margin): report it with the keys that do apply.
    /// </summary>
    private static void RejectInapplicableOverrides(YamlFields fields, TaskSpec task)
    {
        var applicable = task.Kind.PolicyKeys(task);
        foreach (var key in new[] { "max_drop", "min_gain", "max_refusal_drop", "max_over_refusal_rise", "max_kl", "max_rise" })
        {
            if (!applicable.Contains(key) && fields.Node(key) is { } node)
                fields.Problem(node, $"{fields.Where}: '{key}' does not apply to task '{task.Name}' ({YamlFields.SnakeCase(task.Category.ToString())} {task.Kind.Name}); it takes {string.Join(" or ", applicable)}.");
        }
    }
}
