using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using Gatekeeper.Torch.Checkpoints;
using Gatekeeper.Torch.Compute;
using Gatekeeper.Torch.Modeling;
using TorchSharp;
using static TorchSharp.torch;

namespace Gatekeeper.Torch.Training.Lora;

/// <summary>
/// LoRA adapters in PEFT's layout: <c>adapter_config.json</c> with PEFT's keys and
/// <c>adapter_model.safetensors</c> with tensors <c>base_model.model.&lt;module&gt;.lora_A.weight</c>
/// (r, in) and <c>lora_B.weight</c> (out, r). An adapter read over a base is attached to a copy of
/// the base unmerged, computing what PEFT computes, base(x) + (alpha / r) B A x (alpha / sqrt(r)
/// with <c>use_rslora</c>); <see cref="Merge"/> folds it into the weights as <c>merge_and_unload</c>
/// does, GPT-2's Conv1D weights (stored (in, out), PEFT's <c>fan_in_fan_out</c>) taking it transposed.
/// </summary>
public static class PeftAdapter
{
    public const string ConfigFile = "adapter_config.json";
    public const string WeightsFile = "adapter_model.safetensors";
    private const string Prefix = "base_model.model.";

    public static bool IsAdapter(string directory) => File.Exists(Path.Combine(directory, ConfigFile));

    /// <summary>The adapter's identity over a base: the base's content hash and the adapter's files.</summary>
    public static string ContentSha256(string baseContentSha256, string adapterWeightsSha256, string adapterConfigSha256) =>
        FileHash.Sha256(Encoding.UTF8.GetBytes($"base:{baseContentSha256}\nadapter:{adapterWeightsSha256}\nadapter_config:{adapterConfigSha256}\n"));

    /// <summary>A copy of the base with the adapter attached, as a new checkpoint; the base is left as it was.</summary>
    public static Checkpoint Load(string directory, Checkpoint baseCheckpoint)
    {
        var configPath = Path.Combine(directory, ConfigFile);
        var weightsPath = Path.Combine(directory, WeightsFile);
        if (!File.Exists(weightsPath))
            throw new InvalidDataException($"{weightsPath}: missing; a PEFT adapter folder needs {ConfigFile} and {WeightsFile} (.bin adapters are not loaded, since unpickling can run code).");
        var configBytes = File.ReadAllBytes(configPath);
        var (scale, dropout) = ReadConfig(configPath, configBytes);
        var header = SafetensorsHeader.Read(weightsPath);
        var updates = Pairs(header, weightsPath);

        var projections = baseCheckpoint.Model.Projections().ToDictionary(p => p.Name, p => p.Projection);
        foreach (var (module, (a, b)) in updates)
        {
            if (!projections.TryGetValue(module, out var projection))
                throw new InvalidDataException($"{weightsPath}: the adapter targets '{module}', which is not a linear layer of the base ({baseCheckpoint.Model.Config.ModelType}); it was trained over another model.");
            if (a.Shape.Length != 2 || b.Shape.Length != 2 || a.Shape[1] != projection.InFeatures || b.Shape[0] != projection.OutFeatures || b.Shape[1] != a.Shape[0])
                throw new InvalidDataException($"{weightsPath}: '{module}' has lora_A [{string.Join(", ", a.Shape)}] and lora_B [{string.Join(", ", b.Shape)}], which do not fit its [{projection.OutFeatures} x {projection.InFeatures}] weight.");
        }

        var model = ComputeTarget.Of(baseCheckpoint.Model).Copy(baseCheckpoint.Model);
        try
        {
            var copies = model.Projections().ToDictionary(p => p.Name, p => p.Projection);
            foreach (var (module, (a, b)) in updates)
            {
                var projection = copies[module];
                var adapter = new LoraAdapter(projection.InFeatures, projection.OutFeatures, (int)a.Shape[0], scale, dropout, model.DType, model.Device);
                SafetensorsFile.ReadInto(header, a, adapter.A);
                SafetensorsFile.ReadInto(header, b, adapter.B);
                projection.Attach(adapter);
            }
            model.eval();
            var adapterSha = FileHash.Sha256(weightsPath);
            var configSha = FileHash.Sha256(configBytes);
            var manifest = new CheckpointManifest
            {
                Method = "lora",
                ParentSha256 = baseCheckpoint.Manifest.ContentSha256,
                WeightsSha256 = adapterSha,
                ConfigSha256 = configSha,
                TokenizerSha256 = baseCheckpoint.Manifest.TokenizerSha256,
                ContentSha256 = ContentSha256(baseCheckpoint.Manifest.ContentSha256, adapterSha, configSha),
                Training = new Dictionary<string, string> { ["adapter"] = Path.GetFullPath(directory), ["scaling"] = scale.ToString("R", System.Globalization.CultureInfo.InvariantCulture) },
            };
            return new Checkpoint(model, baseCheckpoint.Tokenizer, manifest, baseCheckpoint.ConfigSource, directory);
        }
        catch
        {
            model.Dispose();
            throw;
        }
    }

    /// <summary>
    /// Writes the model's LoRA adapters in PEFT's layout, with the manifest, atomically. Returns the
    /// manifest with the adapter's identity over <paramref name="baseCheckpoint"/>.
    /// </summary>
    public static CheckpointManifest Save(string directory, CausalLanguageModel model, Checkpoint baseCheckpoint, Gatekeeper.Specs.LoraSpec settings, CheckpointManifest manifest)
    {
        var adapters = model.Projections().Where(p => p.Projection.Adapter is LoraAdapter).ToList();
        if (adapters.Count == 0) throw new InvalidOperationException("The model has no LoRA adapters to save.");
        var first = (LoraAdapter)adapters[0].Projection.Adapter!;
        var config = new JsonObject
        {
            ["peft_type"] = "LORA",
            ["task_type"] = "CAUSAL_LM",
            ["base_model_name_or_path"] = baseCheckpoint.Directory,
            ["r"] = first.Rank,
            ["lora_alpha"] = settings.Alpha,
            ["lora_dropout"] = settings.Dropout,
            // As given: a regular expression, "all-linear", or names matched as suffixes.
            ["target_modules"] = settings.TargetPattern is { } pattern ? pattern
                : settings.TargetModules is [Gatekeeper.Specs.LoraSpec.AllLinear] ? Gatekeeper.Specs.LoraSpec.AllLinear
                : new JsonArray([.. settings.TargetModules.Select(t => (JsonNode)t)]),
            ["bias"] = "none",
            ["fan_in_fan_out"] = adapters.Any(a => a.Projection.StoredInByOut),
            ["inference_mode"] = true,
            ["init_lora_weights"] = true,
            ["use_rslora"] = false,
            ["use_dora"] = false,
            ["modules_to_save"] = null,
            ["layers_to_transform"] = null,
            ["layers_pattern"] = null,
            ["rank_pattern"] = new JsonObject(),
            ["alpha_pattern"] = new JsonObject(),
            ["revision"] = null,
        };
        var staging = AtomicFolder.Stage(directory);
        var configBytes = Encoding.UTF8.GetBytes(config.ToJsonString(new JsonSerializerOptions { WriteIndented = true }));
        File.WriteAllBytes(Path.Combine(staging, ConfigFile), configBytes);
        var tensors = adapters.SelectMany(a =>
        {
            var lora = (LoraAdapter)a.Projection.Adapter!;
            return new[] { ($"{Prefix}{a.Name}.lora_A.weight", (Tensor)lora.A), ($"{Prefix}{a.Name}.lora_B.weight", (Tensor)lora.B) };
        });
        SafetensorsFile.Write(Path.Combine(staging, WeightsFile), tensors, new Dictionary<string, string> { ["format"] = "pt" });
        var adapterSha = FileHash.Sha256(Path.Combine(staging, WeightsFile));
        var configSha = FileHash.Sha256(configBytes);
        var hashed = manifest with
        {
            WeightsSha256 = adapterSha,
            ConfigSha256 = configSha,
            TokenizerSha256 = baseCheckpoint.Manifest.TokenizerSha256,
            ContentSha256 = ContentSha256(baseCheckpoint.Manifest.ContentSha256, adapterSha, configSha),
        };
        File.WriteAllText(Path.Combine(staging, CheckpointManifest.FileName), JsonSerializer.Serialize(hashed, new JsonSerializerOptions { WriteIndented = true }));
        AtomicFolder.Commit(staging, directory);
        return hashed;
    }

    /// <summary>A copy of <paramref name="model"/> with every adapter folded into its projection's weight, and none attached.</summary>
    public static CausalLanguageModel Merge(CausalLanguageModel model)
    {
        var merged = ComputeTarget.Of(model).Create(model.Config);
        using var noGrad = torch.no_grad();
        var effective = model.EffectiveParameters().ToDictionary(p => p.Name, p => p.Value);
        foreach (var (name, parameter) in merged.named_parameters()) parameter.copy_(effective[name]);
        return merged;
    }

    private static (double Scale, double Dropout) ReadConfig(string path, byte[] bytes)
    {
        JsonObject config;
        try
        {
            config = JsonNode.Parse(bytes) as JsonObject ?? throw new FormatException("it is not a JSON object");
        }
        catch (Exception e) when (e is JsonException or FormatException)
        {
            throw new InvalidDataException($"{path}: {e.Message}", e);
        }
        string type = (string?)config["peft_type"] ?? "";
        if (type != "LORA") throw new InvalidDataException($"{path}: peft_type '{type}' is not supported; supported: LORA.");
        if (config["use_dora"]?.GetValueKind() == JsonValueKind.True) throw new InvalidDataException($"{path}: DoRA adapters (use_dora) are not supported; merge the adapter into the model and gate the merged checkpoint.");
        if (((string?)config["bias"] ?? "none") != "none") throw new InvalidDataException($"{path}: bias '{config["bias"]}' is not supported; supported: none.");
        if (config["modules_to_save"] is JsonArray { Count: > 0 })
            throw new InvalidDataException($"{path}: modules_to_save is not supported; merge the adapter into the model and gate the merged checkpoint.");
        foreach (var key in new[] { "rank_pattern", "alpha_pattern" })
        {
            if (config[key] is JsonObject { Count: > 0 }) throw new InvalidDataException($"{path}: {key} is not supported; give one r and lora_alpha for every module.");
        }
        double r = config["r"]?.GetValue<double>() ?? throw new InvalidDataException($"{path}: no \"r\".");
        double alpha = config["lora_alpha"]?.GetValue<double>() ?? r;
        if (r <= 0) throw new InvalidDataException($"{path}: r must be positive.");
        double dropout = config["lora_dropout"]?.GetValue<double>() ?? 0;
        return (config["use_rslora"]?.GetValueKind() == JsonValueKind.True ? alpha / Math.Sqrt(r) : alpha / r, dropout);
    }

    /// <summary>lora_A and lora_B of each adapted module, by the module's name in the model.</summary>
    private static Dictionary<string, (SafetensorsTensor A, SafetensorsTensor B)> Pairs(SafetensorsHeader header, string path)
    {
        var a = new Dictionary<string, SafetensorsTensor>();
        var b = new Dictionary<string, SafetensorsTensor>();
        foreach (var tensor in header.Tensors)
        {
            var name = tensor.Name.Replace(".default.", ".", StringComparison.Ordinal);
            if (!SafetensorsFile.SupportedDTypes.Contains(tensor.DType))
                throw new InvalidDataException($"{path}: tensor '{tensor.Name}' is {tensor.DType}; supported: {string.Join(", ", SafetensorsFile.SupportedDTypes)}.");
            if (!name.StartsWith(Prefix, StringComparison.Ordinal))
                throw new InvalidDataException($"{path}: tensor '{tensor.Name}' is not a PEFT LoRA weight (base_model.model.<module>.lora_A/lora_B.weight).");
            name = name[Prefix.Length..];
            if (name.EndsWith(".lora_A.weight", StringComparison.Ordinal)) a[name[..^".lora_A.weight".Length]] = tensor;
            else if (name.EndsWith(".lora_B.weight", StringComparison.Ordinal)) b[name[..^".lora_B.weight".Length]] = tensor;
            else throw new InvalidDataException($"{path}: tensor '{tensor.Name}' is not a LoRA A or B weight; only LoRA on linear layers is supported.");
        }
        var unpaired = a.Keys.Except(b.Keys).Concat(b.Keys.Except(a.Keys)).ToList();
        if (unpaired.Count > 0) throw new InvalidDataException($"{path}: module '{unpaired[0]}' has only one of lora_A and lora_B.");
        if (a.Count == 0) throw new InvalidDataException($"{path}: the adapter has no LoRA weights.");
        return a.ToDictionary(p => p.Key, p => (p.Value, b[p.Key]));
    }
}
