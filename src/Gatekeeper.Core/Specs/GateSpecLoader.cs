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
        var trainCommand = gate.Mapping("train") is { } trainFields && trainFields.Node("command") is not null ? TrainReader.ReadCommand(trainFields, folder) : null;
        var train = trainCommand is null ? TrainReader.Read(gate, folder) : null;
        if (train is null && trainCommand is null && candidate is null && gate.Node("train") is null)
            gate.Problem(null, "gate: give either 'train' (fine-tune a candidate from the base) or 'candidate' (a checkpoint folder trained elsewhere).");
        if ((train is not null || trainCommand is not null) && candidate is not null)
            gate.Problem(gate.Node("candidate"), "gate: give 'train' or 'candidate', not both.");
        var battery = BatteryReader.Read(gate, folder);
        var policy = PolicyReader.Read(gate, battery);
        var history = ReadHistory(gate, folder, battery);
        train = WithEwcChain(gate, train, history);
        int seed = gate.Integer("seed", 0) ?? 1;
        var compute = ReadCompute(gate);
        var promote = ReadPromote(gate);
        var templates = gate.ExistingPath("templates", folder, required: false, directory: true);
        // A template that cannot work should stop the gate before minutes of training, not after.
        if (templates is not null) problems.AddRange(new Reporting.ReportTemplates(templates).Problems());
        gate.RejectUnknownKeys();

        if (problems.Count > 0) throw new BadInputException(problems);
        return new GateSpec
        {
            Name = name, Description = description, SourceFile = path, Base = basePath!, Candidate = candidate,
            Train = train, TrainCommand = trainCommand, Battery = battery, Policy = policy, Seed = seed, History = history, Compute = compute, Promote = promote, Templates = templates,
        };
    }

    private static PromoteSpec? ReadPromote(YamlFields gate)
    {
        if (gate.Mapping("promote") is not { } fields) return null;
        var model = fields.String("model", required: true);
        var alias = fields.String("alias") ?? PromoteSpec.DefaultAlias;
        // MLflow's alias rules: letters, digits, '_' and '-', and not a name its version URIs reserve.
        if (!System.Text.RegularExpressions.Regex.IsMatch(alias, "^[A-Za-z0-9_-]{1,255}$") || alias.Equals("latest", StringComparison.OrdinalIgnoreCase)
            || System.Text.RegularExpressions.Regex.IsMatch(alias, "^[vV][0-9]+$"))
            fields.Problem(fields.Node("alias"), $"promote: alias '{alias}' is not one MLflow accepts; use letters, digits, '_' and '-', not 'latest' or v<number>, e.g. champion.");
        fields.RejectUnknownKeys();
        return model is null ? null : new PromoteSpec(model, alias);
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

    /// <summary>Online EWC consolidates the spec's history: each earlier fine-tune with the data its Fisher is measured on.</summary>
    private static TrainSpec? WithEwcChain(YamlFields gate, TrainSpec? train, IReadOnlyList<HistoryStep> history)
    {
        if (train?.Ewc is not { OnlineDecay: not null } ewc) return train;
        if (history.Count == 0)
        {
            gate.Problem(gate.Mapping("train")?.Mapping("ewc")?.Node("online_decay"),
                "train.ewc: online_decay consolidates the earlier fine-tunes of a chain, and this spec has no 'history'. List them under history (checkpoint, target, data), or remove online_decay for plain EWC.");
            return train;
        }
        return train with { Ewc = ewc with { Chain = [.. history.Select(step => new EwcEarlierFineTune(step.Checkpoint, step.Data ?? ewc.FisherData))] } };
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
            var data = step.ExistingPath("data", folder, required: false, directory: false);
            var task = target is null ? null : battery.FirstOrDefault(t => t.Name == target);
            if (target is not null && task is null)
                step.Problem(step.Node("target"), $"{step.Where}: no task named '{target}' in the battery; the target must be scored on the candidate too.");
            else if (task is { Kind.ScoresAnswers: false })
                step.Problem(step.Node("target"), $"{step.Where}: task '{target}' is a {task.Kind.Name} task; backward transfer needs a task scored by right answers ({string.Join(" or ", Tasks.TaskKind.All.Where(k => k.ScoresAnswers).Select(k => k.Name))}).");
            step.RejectUnknownKeys();
            if (checkpoint is not null && target is not null) steps.Add(new HistoryStep(checkpoint, target, data));
        }
        return steps;
    }
}
