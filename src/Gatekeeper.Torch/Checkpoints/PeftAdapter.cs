using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using Gatekeeper.Torch.Compute;
using Gatekeeper.Torch.Modeling;
using TorchSharp;
using static TorchSharp.torch;

namespace Gatekeeper.Torch.Checkpoints;

/// <summary>
/// A LoRA adapter in PEFT's layout (<c>adapter_config.json</c> + <c>adapter_model.safetensors</c>),
/// trained elsewhere over the gate's base. The candidate is the base with each adapted projection's
/// update merged in, W + (alpha / r) B A, as PEFT's <c>merge_and_unload</c> does (alpha / sqrt(r)
/// with <c>use_rslora</c>); GPT-2's Conv1D weights, stored (in, out), take the update transposed.
/// </summary>
public static class PeftAdapter
{
    public const string ConfigFile = "adapter_config.json";
    public const string WeightsFile = "adapter_model.safetensors";
    private const string Prefix = "base_model.model.";

    public static bool IsAdapter(string directory) => File.Exists(Path.Combine(directory, ConfigFile));

    /// <summary>The base with the adapter merged, as a new checkpoint; the base is left as it was.</summary>
    public static Checkpoint Load(string directory, Checkpoint baseCheckpoint)
    {
        var configPath = Path.Combine(directory, ConfigFile);
        var weightsPath = Path.Combine(directory, WeightsFile);
        if (!File.Exists(weightsPath))
            throw new InvalidDataException($"{weightsPath}: missing; a PEFT adapter folder needs {ConfigFile} and {WeightsFile} (.bin adapters are not loaded, since unpickling can run code).");
        var configBytes = File.ReadAllBytes(configPath);
        double scale = Scaling(configPath, configBytes);
        var header = SafetensorsHeader.Read(weightsPath);
        var updates = Pairs(header, weightsPath);

        var projections = baseCheckpoint.Model.Projections().ToDictionary(p => p.Name, p => p.Projection);
        foreach (var (module, (a, b)) in updates)
        {
            if (!projections.TryGetValue(module, out var projection))
                throw new InvalidDataException($"{weightsPath}: the adapter targets '{module}', which is not a linear layer of the base ({baseCheckpoint.Model.Config.ModelType}); it was trained over another model.");
            long rank = a.Shape[0];
            if (a.Shape.Length != 2 || b.Shape.Length != 2 || a.Shape[1] != projection.InFeatures || b.Shape[0] != projection.OutFeatures || b.Shape[1] != rank)
                throw new InvalidDataException($"{weightsPath}: '{module}' has lora_A [{string.Join(", ", a.Shape)}] and lora_B [{string.Join(", ", b.Shape)}], which do not fit its [{projection.OutFeatures} x {projection.InFeatures}] weight.");
        }

        var model = ComputeTarget.Of(baseCheckpoint.Model).Copy(baseCheckpoint.Model);
        try
        {
            var merged = model.Projections().ToDictionary(p => p.Name, p => p.Projection);
            using var noGrad = torch.no_grad();
            foreach (var (module, (a, b)) in updates)
            {
                using var scope = torch.NewDisposeScope();
                var loraA = torch.empty(a.Shape, dtype: ScalarType.Float32);
                var loraB = torch.empty(b.Shape, dtype: ScalarType.Float32);
                SafetensorsFile.ReadInto(header, a, loraA);
                SafetensorsFile.ReadInto(header, b, loraB);
                var delta = loraB.matmul(loraA).mul(scale);                               // (out, in)
                var weight = merged[module].Weight;
                var update = merged[module].StoredInByOut ? delta.t() : delta;
                weight.add_(update.to(weight.dtype).to(weight.device));
            }
            var adapterSha = FileHash.Sha256(weightsPath);
            var configSha = FileHash.Sha256(configBytes);
            var manifest = new CheckpointManifest
            {
                Method = "lora adapter",
                ParentSha256 = baseCheckpoint.Manifest.ContentSha256,
                WeightsSha256 = adapterSha,
                ConfigSha256 = configSha,
                TokenizerSha256 = baseCheckpoint.Manifest.TokenizerSha256,
                ContentSha256 = FileHash.Sha256(Encoding.UTF8.GetBytes($"base:{baseCheckpoint.Manifest.ContentSha256}\nadapter:{adapterSha}\nadapter_config:{configSha}\n")),
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


    private static double Scaling(string path, byte[] bytes)
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
        return config["use_rslora"]?.GetValueKind() == JsonValueKind.True ? alpha / Math.Sqrt(r) : alpha / r;
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
