using YamlDotNet.Core;
using YamlDotNet.RepresentationModel;

namespace Gatekeeper.Specs;

/// <summary>
/// Loads and validates a gate spec in one pass, reporting every problem at once with its line.
/// Relative paths are resolved against the spec file's folder; referenced files must exist.
/// </summary>
public static class GateSpecLoader
{
    public static GateSpec Load(string path)
    {
        path = Path.GetFullPath(path);
        if (!File.Exists(path)) throw new BadInputException(path, null, "gate spec not found. Pass the path of a gates/*.yaml file.");
        var stream = new YamlStream();
        try
        {
            using var reader = new StreamReader(path);
            stream.Load(reader);
        }
        catch (YamlException e)
        {
            throw new BadInputException(path, (int)e.Start.Line, $"not valid YAML: {e.InnerException?.Message ?? e.Message}");
        }
        if (stream.Documents.Count == 0 || stream.Documents[0].RootNode is not YamlMappingNode root)
            throw new BadInputException(path, 1, "a gate spec must be a YAML mapping with name, base, train (or candidate), battery and policy.");

        var problems = new List<InputProblem>();
        var folder = Path.GetDirectoryName(path)!;
        var gate = new YamlFields(path, root, problems, "gate");

        var name = gate.String("name", required: true) ?? "";
        var description = gate.String("description") ?? "";
        var basePath = ExistingPath(gate, "base", folder, required: true, directory: true);
        var candidate = ExistingPath(gate, "candidate", folder, required: false, directory: true);
        var train = ReadTrain(gate, folder);
        if (train is null && candidate is null && gate.Node("train") is null)
            gate.Problem(null, "gate: give either 'train' (fine-tune a candidate from the base) or 'candidate' (a checkpoint folder trained elsewhere).");
        if (train is not null && candidate is not null)
            gate.Problem(gate.Node("candidate"), "gate: give 'train' or 'candidate', not both.");
        var battery = ReadBattery(gate, folder);
        var policy = ReadPolicy(gate, battery);
        var history = ReadHistory(gate, folder, battery);
        int seed = gate.Integer("seed", 0) ?? 1;
        gate.RejectUnknownKeys();

        if (problems.Count > 0) throw new BadInputException(problems);
        return new GateSpec
        {
            Name = name, Description = description, SourceFile = path, Base = basePath!, Candidate = candidate,
            Train = train, Battery = battery, Policy = policy, Seed = seed, History = history,
        };
    }

    private static TrainSpec? ReadTrain(YamlFields gate, string folder)
    {
        var train = gate.Mapping("train");
        if (train is null) return null;
        var method = train.String("method") ?? "full";
        if (method != "full") train.Problem(train.Node("method"), $"{train.Where}: method '{method}' is not available; use: full.");
        var data = ExistingPath(train, "data", folder, required: true, directory: false);
        var fields = ReadFields(train);
        var defaults = new TrainSpec { Data = "" };
        ReplaySpec? replay = null;
        if (train.Mapping("replay") is { } replayFields)
        {
            var replayData = ExistingPath(replayFields, "data", folder, required: true, directory: false);
            var fraction = replayFields.Number("fraction", 0.0, 0.95) ?? 0.15;
            replayFields.RejectUnknownKeys();
            if (replayData is not null) replay = new ReplaySpec { Data = replayData, Fraction = fraction };
        }
        var spec = new TrainSpec
        {
            Method = method,
            Data = data ?? "",
            Fields = fields,
            Steps = train.Integer("steps", 0, 1_000_000) ?? defaults.Steps,
            BatchSize = train.Integer("batch_size", 1, 4096) ?? defaults.BatchSize,
            LearningRate = train.Number("learning_rate", 0, 1) ?? defaults.LearningRate,
            Seed = train.Integer("seed", 0) ?? defaults.Seed,
            Replay = replay,
        };
        train.RejectUnknownKeys();
        return spec;
    }

    private static List<TaskSpec> ReadBattery(YamlFields gate, string folder)
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
        var name = task.String("name", required: true);
        var category = task.Choice<TaskCategory>("category", required: true);
        var kind = task.Choice<TaskKind>("kind", required: true);
        var data = ExistingPath(task, "data", folder, required: true, directory: false);
        var matcher = task.Choice<MatcherKind>("matcher") ?? MatcherKind.Exact;
        if (kind is not TaskKind.Generate && task.Node("matcher") is not null)
            task.Problem(task.Node("matcher"), $"{task.Where}: 'matcher' applies only to kind generate.");
        var pattern = task.String("pattern");
        if (pattern is not null)
        {
            try
            {
                _ = new System.Text.RegularExpressions.Regex(pattern);
            }
            catch (ArgumentException e)
            {
                task.Problem(task.Node("pattern"), $"{task.Where}: 'pattern' is not a valid regular expression: {e.Message}");
            }
        }
        var spec = new TaskSpec
        {
            Name = name ?? "",
            Category = category ?? TaskCategory.General,
            Kind = kind ?? TaskKind.Generate,
            Version = task.Integer("version", 1) ?? 1,
            Data = data ?? "",
            Fields = ReadFields(task),
            Template = task.String("template") ?? "{prompt}",
            Matcher = matcher,
            Pattern = pattern,
            RefusalMarkers = task.Strings("refusal_markers") ?? [],
            MaxNewTokens = task.Integer("max_new_tokens", 1, 4096) ?? 48,
            Limit = task.Integer("limit", 1),
        };
        task.RejectUnknownKeys();
        return name is null || category is null || kind is null || data is null ? null : spec;
    }

    private static List<HistoryStep> ReadHistory(YamlFields gate, string folder, IReadOnlyList<TaskSpec> battery)
    {
        var steps = new List<HistoryStep>();
        var node = gate.Node("history");
        if (node is null) return steps;
        if (node is not YamlSequenceNode sequence)
        {
            gate.Problem(node, "gate: 'history' must be a list of earlier fine-tunes, each with checkpoint and target.");
            return steps;
        }
        for (int i = 0; i < sequence.Children.Count; i++)
        {
            if (sequence.Children[i] is not YamlMappingNode mapping)
            {
                gate.Problem(sequence.Children[i], $"history[{i}]: each step must be a mapping with checkpoint and target.");
                continue;
            }
            var step = new YamlFields(gate.File, mapping, gate.Problems, $"history[{i}]");
            var checkpoint = ExistingPath(step, "checkpoint", folder, required: true, directory: true);
            var target = step.String("target", required: true);
            var task = target is null ? null : battery.FirstOrDefault(t => t.Name == target);
            if (target is not null && task is null)
                step.Problem(step.Node("target"), $"{step.Where}: no task named '{target}' in the battery; the target must be scored on the candidate too.");
            else if (task is { Kind: TaskKind.Drift or TaskKind.Refusal })
                step.Problem(step.Node("target"), $"{step.Where}: task '{target}' is a {YamlFields.SnakeCase(task.Kind.ToString())} task; backward transfer needs a generate or multiple_choice task.");
            step.RejectUnknownKeys();
            if (checkpoint is not null && target is not null) steps.Add(new HistoryStep(checkpoint, target));
        }
        return steps;
    }

    private static FieldMapping ReadFields(YamlFields owner)
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

    private static GatePolicy ReadPolicy(YamlFields gate, IReadOnlyList<TaskSpec> battery)
    {
        var defaults = new GatePolicy();
        var policy = gate.Mapping("policy");
        if (policy is null) return defaults;
        var general = policy.Mapping("general");
        var target = policy.Mapping("target");
        var safety = policy.Mapping("safety");
        var drift = policy.Mapping("drift");
        var tasks = new Dictionary<string, TaskPolicy>();
        if (policy.Mapping("tasks") is { } taskFields)
        {
            foreach (var (taskName, fields) in taskFields.Mappings())
            {
                if (battery.All(t => t.Name != taskName))
                    fields.Problem(null, $"{fields.Where}: no task named '{taskName}' in the battery.");
                tasks[taskName] = new TaskPolicy
                {
                    MaxDrop = fields.Number("max_drop", 0, 1),
                    MinGain = fields.Number("min_gain", -1, 1),
                    MaxRefusalDrop = fields.Number("max_refusal_drop", 0, 1),
                    MaxOverRefusalRise = fields.Number("max_over_refusal_rise", 0, 1),
                    MaxKl = fields.Number("max_kl", 0, 100),
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
            MaxParameterDistance = drift?.Number("max_parameter_distance", 0, 100),
            Tasks = tasks,
        };
        general?.RejectUnknownKeys();
        target?.RejectUnknownKeys();
        safety?.RejectUnknownKeys();
        drift?.RejectUnknownKeys();
        policy.RejectUnknownKeys();
        return result;
    }

    private static string? ExistingPath(YamlFields owner, string key, string folder, bool required, bool directory)
    {
        var value = owner.String(key, required);
        if (value is null) return null;
        var full = Path.GetFullPath(Path.Combine(folder, value));
        bool exists = directory ? Directory.Exists(full) : File.Exists(full);
        if (!exists)
        {
            owner.Problem(owner.Node(key), $"{owner.Where}: '{key}' points to {full}, which does not exist. Paths are relative to the spec file's folder.");
            return null;
        }
        return full;
    }
}
