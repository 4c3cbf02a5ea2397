namespace Gatekeeper.Specs;

/// <summary>
/// Reads a gate spec's <c>train:</c>: the built-in trainer's method and settings (LoRA, EWC,
/// replay), or an external training command. Problems are collected with their lines.
/// </summary>
internal static class TrainReader
{
    public static TrainCommandSpec? ReadCommand(YamlFields train, string folder)
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

    private static EwcSpec? ReadEwc(YamlFields train, string method, string folder, string? replayData)
    {
        var fields = train.Mapping("ewc");
        if (fields is null && method != "ewc") return null;
        if (fields is not null && method != "ewc") train.Problem(train.Node("ewc"), $"{train.Where}: 'ewc' settings apply only to method ewc.");
        // The Fisher is estimated on general data: fisher_data, else the replay data.
        var fisherData = fields?.ExistingPath("fisher_data", folder, required: false, directory: false) ?? replayData;
        if (fisherData is null && fields?.Node("fisher_data") is null)
            (fields ?? train).Problem(fields is null ? train.Node("method") : null, $"{train.Where}: method ewc needs general data for the Fisher: give ewc.fisher_data, or replay.data.");
        var defaults = new EwcSpec { FisherData = "" };
        var spec = new EwcSpec
        {
            Lambda = fields?.Number("lambda", 0) ?? defaults.Lambda,
            FisherData = fisherData ?? "",
            FisherBatches = fields?.Integer("fisher_batches", 1, 100_000) ?? defaults.FisherBatches,
            FisherBatchSize = fields?.Integer("fisher_batch_size", 1, 4096) ?? defaults.FisherBatchSize,
            OnlineDecay = fields?.Number("online_decay", 0, 1),
        };
        if (spec.OnlineDecay == 0) fields!.Problem(fields.Node("online_decay"), $"{fields.Where}: online_decay 0 forgets every earlier fine-tune; give a decay above 0 and at most 1, or remove it for plain EWC.");
        fields?.RejectUnknownKeys();
        return spec;
    }

    public static TrainSpec? Read(YamlFields gate, string folder)
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
        var ewc = ReadEwc(train, method, folder, replay?.Data);
        var spec = new TrainSpec
        {
            Method = method,
            Lora = lora,
            Ewc = ewc,
            Data = data ?? "",
            Fields = fields,
            PromptFormat = train.Choice<PromptFormat>("prompt_format") ?? defaults.PromptFormat,
            Steps = train.Integer("steps", 0, 1_000_000) ?? defaults.Steps,
            BatchSize = train.Integer("batch_size", 1, 4096) ?? defaults.BatchSize,
            SequenceLength = train.Integer("sequence_length", 2, 1 << 20),
            LearningRate = train.Number("learning_rate", 0, 1) ?? defaults.LearningRate,
            WarmupSteps = train.Integer("warmup_steps", 0, 1_000_000) ?? defaults.WarmupSteps,
            Schedule = train.Choice<LearningRateShape>("lr_schedule") ?? defaults.Schedule,
            MinLearningRateFraction = train.Number("min_lr_fraction", 0, 1) ?? defaults.MinLearningRateFraction,
            WeightDecay = train.Number("weight_decay", 0, 10) ?? defaults.WeightDecay,
            ClipNorm = train.Number("clip_norm", 0) ?? defaults.ClipNorm,
            GradientAccumulation = train.Integer("gradient_accumulation", 1, 4096) ?? defaults.GradientAccumulation,
            Seed = train.Integer("seed", 0) ?? defaults.Seed,
            Replay = replay,
        };
        train.RejectUnknownKeys();
        return spec;
    }
}
