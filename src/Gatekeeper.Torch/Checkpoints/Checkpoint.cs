using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using Gatekeeper.Torch.Compute;
using Gatekeeper.Torch.Modeling;
using Gatekeeper.Torch.Tokenization;

namespace Gatekeeper.Torch.Checkpoints;

/// <summary>
/// A model with its tokenizer and manifest, stored as a folder in Hugging Face's layout:
/// <c>config.json</c>, <c>model.safetensors</c> (or a sharded index), <c>tokenizer.json</c>, and
/// <c>gatekeeper.json</c>. The model family is chosen by <c>config.json</c>'s <c>model_type</c>.
/// </summary>
public sealed class Checkpoint : IDisposable
{
    public const string ConfigFile = "config.json";
    public const string WeightsFile = WeightFiles.SingleFile;

    private static readonly JsonSerializerOptions Indented = new() { WriteIndented = true };

    public Checkpoint(CausalLanguageModel model, ITokenizer tokenizer, CheckpointManifest manifest, JsonObject? configSource = null, string? directory = null)
    {
        Directory = directory ?? "(in memory)";
        Model = model;
        Tokenizer = tokenizer;
        Manifest = manifest;
        ConfigSource = configSource ?? [];
    }

    /// <summary>The folder it was loaded from or saved to, for messages.</summary>
    public string Directory { get; }

    public CausalLanguageModel Model { get; }
    public ITokenizer Tokenizer { get; }
    public CheckpointManifest Manifest { get; }

    /// <summary>The <c>config.json</c> the model was read from; its keys are kept when a candidate is written.</summary>
    public JsonObject ConfigSource { get; }

    /// <summary>Saves this checkpoint's model and tokenizer with <paramref name="manifest"/>; see <see cref="Save(string, CausalLanguageModel, ITokenizer, CheckpointManifest, JsonObject?)"/>.</summary>
    public CheckpointManifest SaveAs(string directory, CheckpointManifest manifest) => Save(directory, Model, Tokenizer, manifest, ConfigSource);

    /// <summary>
    /// Writes the checkpoint into <paramref name="directory"/> atomically: files go to a sibling
    /// folder first, which then replaces the target, so a failure never leaves half a checkpoint.
    /// <c>config.json</c> keeps <paramref name="configSource"/>'s keys, with the architecture's own,
    /// <c>architectures</c> and <c>torch_dtype</c> written over them. Returns the manifest with its hashes.
    /// </summary>
    public static CheckpointManifest Save(string directory, CausalLanguageModel model, ITokenizer tokenizer, CheckpointManifest manifest, JsonObject? configSource = null)
    {
        var staging = AtomicFolder.Stage(directory);

        var configBytes = Encoding.UTF8.GetBytes(ConfigJson(model, configSource).ToJsonString(Indented));
        File.WriteAllBytes(Path.Combine(staging, ConfigFile), configBytes);
        foreach (var (name, bytes) in tokenizer.Files) File.WriteAllBytes(Path.Combine(staging, name), bytes);
        SafetensorsFile.Write(Path.Combine(staging, WeightsFile), ModelWeights.Entries(model), new Dictionary<string, string> { ["format"] = "pt" });

        var weights = WeightFiles.Locate(staging);
        var hashed = WithHashes(manifest, model.Config, FileHash.Sha256(configBytes), weights.Sha256(), TokenizerFiles.Sha256(tokenizer.Files));
        File.WriteAllText(Path.Combine(staging, CheckpointManifest.FileName), JsonSerializer.Serialize(hashed, Indented));

        AtomicFolder.Commit(staging, directory);
        return hashed;
    }

    /// <summary>
    /// Loads a checkpoint folder onto <paramref name="target"/> (default: float32 on the CPU);
    /// throws <see cref="InvalidDataException"/> that names the file and the problem.
    /// </summary>
    /// <param name="directory">The checkpoint folder.</param>
    /// <param name="target">Device and dtype; default float32 on the CPU.</param>
    /// <param name="fallbackTokenizer">Used when the folder has no tokenizer files (trainers often save only the model).</param>
    public static Checkpoint Load(string directory, ComputeTarget? target = null, ITokenizer? fallbackTokenizer = null)
    {
        var (model, source, configSha, weightsSha) = LoadModel(directory, target);
        try
        {
            var tokenizer = fallbackTokenizer is not null && !File.Exists(Path.Combine(directory, TokenizerFiles.TokenizerJson)) && !File.Exists(Path.Combine(directory, TokenizerFiles.Vocab))
                ? fallbackTokenizer
                : TokenizerFiles.Load(directory);
            if (tokenizer.VocabSize > model.Config.VocabSize)
                throw new InvalidDataException($"{Path.Combine(directory, ConfigFile)}: vocab_size {model.Config.VocabSize} is smaller than the tokenizer's {tokenizer.VocabSize}.");

            var manifestPath = Path.Combine(directory, CheckpointManifest.FileName);
            var stored = File.Exists(manifestPath)
                ? ParseJson(manifestPath, File.ReadAllBytes(manifestPath), json => json.Deserialize<CheckpointManifest>()!)
                : new CheckpointManifest { Method = "imported" };
            var manifest = WithHashes(stored, model.Config, configSha, weightsSha, TokenizerFiles.Sha256(tokenizer.Files));
            return new Checkpoint(model, tokenizer, manifest, source, directory);
        }
        catch
        {
            model.Dispose();
            throw;
        }
    }

    /// <summary>
    /// Reads a folder's <c>config.json</c> and weights into a model of its family on
    /// <paramref name="target"/>, without its tokenizer. Returns the hashes of both files.
    /// </summary>
    public static (CausalLanguageModel Model, JsonObject ConfigSource, string ConfigSha256, string WeightsSha256) LoadModel(string directory, ComputeTarget? target = null)
    {
        if (!System.IO.Directory.Exists(directory))
            throw new InvalidDataException($"{directory}: checkpoint folder not found.");
        var configPath = Path.Combine(directory, ConfigFile);
        if (!File.Exists(configPath))
            throw new InvalidDataException($"{configPath}: missing; a checkpoint folder needs {ConfigFile}, its weights and a tokenizer.");
        var configBytes = File.ReadAllBytes(configPath);
        var source = ParseJson(configPath, configBytes, json => json as JsonObject ?? throw new FormatException("config.json must be a JSON object"));
        var config = ParseJson(configPath, configBytes, json => ModelFamilies.ReadConfig((JsonObject)json));
        var weights = WeightFiles.Locate(directory);

        var model = (target ?? ComputeTarget.Cpu).Create(config);
        try
        {
            ModelWeights.Load(model, weights);
            return (model, source, FileHash.Sha256(configBytes), weights.Sha256());
        }
        catch
        {
            model.Dispose();
            throw;
        }
    }

    public void Dispose() => Model.Dispose();

    /// <summary>The <c>config.json</c> written for <paramref name="model"/>: the source's keys, the architecture's over them.</summary>
    public static JsonObject ConfigJson(CausalLanguageModel model, JsonObject? source)
    {
        var json = source?.DeepClone().AsObject() ?? [];
        json["model_type"] = model.Config.ModelType;
        json["architectures"] = new JsonArray(model.Config.Architecture);
        foreach (var (key, value) in ModelFamilies.Of(model.Config).WriteConfig(model.Config)) json[key] = value?.DeepClone();
        json["torch_dtype"] = DTypeName(model.DType);
        return json;
    }

    private static string DTypeName(TorchSharp.torch.ScalarType type) => type switch
    {
        TorchSharp.torch.ScalarType.BFloat16 => "bfloat16",
        TorchSharp.torch.ScalarType.Float16 => "float16",
        _ => "float32",
    };

    /// <summary>
    /// The manifest with the files' hashes and the content hash. A checkpoint's identity is its
    /// architecture (the config as the family reads it, not incidental keys), weights and tokenizer.
    /// </summary>
    private static CheckpointManifest WithHashes(CheckpointManifest manifest, ModelConfig config, string configSha, string weightsSha, string tokenizerSha)
    {
        var family = ModelFamilies.Of(config).WriteConfig(config);
        family["model_type"] = config.ModelType;
        var architecture = FileHash.Sha256(Encoding.UTF8.GetBytes(family.ToJsonString()));
        return manifest with
        {
            ConfigSha256 = configSha,
            WeightsSha256 = weightsSha,
            TokenizerSha256 = tokenizerSha,
            ContentSha256 = FileHash.Sha256(Encoding.UTF8.GetBytes($"architecture:{architecture}\nweights:{weightsSha}\ntokenizer:{tokenizerSha}\n")),
        };
    }

    private static T ParseJson<T>(string path, byte[] bytes, Func<JsonNode, T> read)
    {
        try
        {
            var json = JsonNode.Parse(bytes) ?? throw new FormatException("the file is empty");
            return read(json);
        }
        catch (Exception e) when (e is JsonException or FormatException or InvalidOperationException or OverflowException)
        {
            throw new InvalidDataException($"{path}: {e.Message}", e);
        }
    }
}
