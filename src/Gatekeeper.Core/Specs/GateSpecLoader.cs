using YamlDotNet.Core;
using YamlDotNet.RepresentationModel;

namespace Gatekeeper.Specs;

/// <summary>
/// Loads and validates a gate spec in one pass, reporting every problem at once with its line.
/// Relative paths are resolved against the spec file's folder; referenced files must exist. The
/// battery and the policy have readers of their own (<see cref="BatteryReader"/>, <see cref="PolicyReader"/>).
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

        var name = gate.Name("name") ?? "";
        var description = gate.String("description") ?? "";
        var basePath = gate.ExistingPath("base", folder, required: true, directory: true);
        var candidate = gate.ExistingPath("candidate", folder, required: false, directory: true);
        var trainCommand = gate.Mapping("train") is { } trainFields && trainFields.Node("command") is not null ? ReadTrainCommand(trainFields, folder) : null;
        var train = trainCommand is null ? ReadTrain(gate, folder) : null;
        if (train is null && trainCommand is null && candidate is null && gate.Node("train") is null)
            gate.Problem(null, "gate: give either 'train' (fine-tune a candidate from the base) or 'candidate' (a checkpoint folder trained elsewhere).");
        if ((train is not null || trainCommand is not null) && candidate is not null)
            gate.Problem(gate.Node("candidate"), "gate: give 'train' or 'candidate', not both.");
        var battery = BatteryReader.Read(gate, folder);
        var policy = PolicyReader.Read(gate, battery);
        var history = ReadHistory(gate, folder, battery);
        int seed = gate.Integer("seed", 0) ?? 1;
        var compute = ReadCompute(gate);
        gate.RejectUnknownKeys();

        if (problems.Count > 0) throw new BadInputException(problems);
        return new GateSpec
        {
            Name = name, Description = description, SourceFile = path, Base = basePath!, Candidate = candidate,
            Train = train, TrainCommand = trainCommand, Battery = battery, Policy = policy, Seed = seed, History = history, Compute = compute,
        };
    }

    private static ComputeSpec ReadCompute(YamlFields gate)
    {
        var defaults = new ComputeSpec();
        var device = gate.String("device") ?? defaults.Device;
        var dtype = gate.String("dtype") ?? defaults.DType;
        if (ComputeSpec.DeviceProblem(device) is { } deviceProblem) gate.Problem(gate.Node("device"), $"gate: {deviceProblem}");
        if (ComputeSpec.DTypeProblem(dtype) is { } dtypeProblem) gate.Problem(gate.Node("dtype"), $"gate: {dtypeProblem}");
        return new ComputeSpec { Device = device, DType = dtype };
    }

    private static TrainCommandSpec? ReadTrainCommand(YamlFields train, string folder)
    {
        var node = train.Node("command");
        IReadOnlyList<string>? command = node is YamlDotNet.RepresentationModel.YamlScalarNode { Value: { Length: > 0 } text } ? ["/bin/sh", "-c", text] : train.Strings("command");
        if (command is { Count: 0 }) train.Problem(node, $"{train.Where}: 'command' is empty; give the program and its arguments, e.g. [torchrun, train.py, --output, \"{{output}}\"].");
        var data = train.ExistingPath("data", folder, required: true, directory: false);
        var replay = train.ExistingPath("replay_data", folder, required: false, directory: false);
        var timeout = train.Number("timeout_minutes", 0.01, 7 * 24 * 60);
        foreach (var key in new[] { "method", "steps", "batch_size", "learning_rate", "seed", "replay", "fields", "prompt_format" })
        {
            if (train.Node(key) is { } stray) train.Problem(stray, $"{train.Where}: '{key}' does not apply to an external training command; the command's own settings decide it.");
        }
        train.RejectUnknownKeys();
        if (command is not { Count: > 0 } || data is null) return null;
        var defaults = new TrainCommandSpec { Command = [], Data = "" };
        return new TrainCommandSpec { Command = command, Data = data, Replay = replay, TimeoutMinutes = timeout ?? defaults.TimeoutMinutes };
    }

    private static LoraSpec? ReadLora(YamlFields train, string method)
    {
        var fields = train.Mapping("lora");
        if (fields is null) return method == "lora" ? new LoraSpec() : null;
        if (method != "lora") train.Problem(train.Node("lora"), $"{train.Where}: 'lora' settings apply only to method lora.");
        var defaults = new LoraSpec();
        var targets = fields.Node("target_modules");
        string? pattern = targets is YamlDotNet.RepresentationModel.YamlScalarNode { Value: { Length: > 0 } text } && text != LoraSpec.AllLinear ? text : null;
        if (pattern is not null)
        {
            try
            {
                _ = new System.Text.RegularExpressions.Regex(pattern);
            }
            catch (ArgumentException e)
            {
                fields.Problem(targets, $"{fields.Where}: 'target_modules' is not a valid regular expression: {e.Message}");
            }
        }
        var names = targets is YamlDotNet.RepresentationModel.YamlSequenceNode ? fields.Strings("target_modules") : null;
        var spec = new LoraSpec
        {
            Rank = fields.Integer("r", 1, 4096) ?? defaults.Rank,
            Alpha = fields.Number("alpha", 0) ?? defaults.Alpha,
            Dropout = fields.Number("dropout", 0, 0.9) ?? defaults.Dropout,
            TargetModules = names is { Count: > 0 } ? names : defaults.TargetModules,
            TargetPattern = pattern,
            Merge = fields.Boolean("merge") ?? defaults.Merge,
        };
        fields.RejectUnknownKeys();
        return spec;
    }

    private static TrainSpec? ReadTrain(YamlFields gate, string folder)
    {
        var train = gate.Mapping("train");
        if (train is null) return null;
        var method = train.String("method") ?? "full";
        if (!TrainSpec.Methods.Contains(method)) train.Problem(train.Node("method"), $"{train.Where}: method '{method}' is not available; use one of: {string.Join(", ", TrainSpec.Methods)}.");
        var lora = ReadLora(train, method);
        var data = train.ExistingPath("data", folder, required: true, directory: false);
        var fields = BatteryReader.ReadFields(train);
        var defaults = new TrainSpec { Data = "" };
        ReplaySpec? replay = null;
        if (train.Mapping("replay") is { } replayFields)
        {
            var replayData = replayFields.ExistingPath("data", folder, required: true, directory: false);
            var fraction = replayFields.Number("fraction", 0.0, 0.95) ?? 0.15;
            replayFields.RejectUnknownKeys();
            if (replayData is not null) replay = new ReplaySpec { Data = replayData, Fraction = fraction };
        }
        var spec = new TrainSpec
        {
            Method = method,
            Lora = lora,
            Data = data ?? "",
            Fields = fields,
            PromptFormat = train.Choice<PromptFormat>("prompt_format") ?? defaults.PromptFormat,
            Steps = train.Integer("steps", 0, 1_000_000) ?? defaults.Steps,
            BatchSize = train.Integer("batch_size", 1, 4096) ?? defaults.BatchSize,
            SequenceLength = train.Integer("sequence_length", 2, 1 << 20),
            LearningRate = train.Number("learning_rate", 0, 1) ?? defaults.LearningRate,
            Seed = train.Integer("seed", 0) ?? defaults.Seed,
            Replay = replay,
        };
        train.RejectUnknownKeys();
        return spec;
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
            var checkpoint = step.ExistingPath("checkpoint", folder, required: true, directory: true);
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
}
