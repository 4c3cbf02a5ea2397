using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using Gatekeeper.Torch.Modeling;
using Gatekeeper.Torch.Tokenization;

namespace Gatekeeper.Torch.Checkpoints;

/// <summary>
/// A model with its tokenizer and manifest, stored as a folder in Hugging Face's layout:
/// <c>config.json</c>, <c>model.safetensors</c>, <c>tokenizer.json</c>, and <c>gatekeeper.json</c>.
/// </summary>
public sealed class Checkpoint : IDisposable
{
    public const string ConfigFile = "config.json";
    public const string WeightsFile = "model.safetensors";
    public const string TokenizerFile = "tokenizer.json";

    private static readonly JsonSerializerOptions ManifestJson = new() { WriteIndented = true };

    public Checkpoint(Gpt model, ITokenizer tokenizer, CheckpointManifest manifest)
    {
        Model = model;
        Tokenizer = tokenizer;
        Manifest = manifest;
    }

    public Gpt Model { get; }
    public ITokenizer Tokenizer { get; }
    public CheckpointManifest Manifest { get; }

    /// <summary>
    /// Writes the checkpoint into <paramref name="directory"/> atomically: files go to a sibling
    /// folder first, which then replaces the target, so a failure never leaves half a checkpoint.
    /// Returns the manifest with its hashes filled in.
    /// </summary>
    public static CheckpointManifest Save(string directory, Gpt model, ITokenizer tokenizer, CheckpointManifest manifest)
    {
        directory = Path.GetFullPath(directory);
        var staging = directory.TrimEnd(Path.DirectorySeparatorChar) + ".writing";
        if (Directory.Exists(staging)) Directory.Delete(staging, recursive: true);
        Directory.CreateDirectory(staging);

        var configBytes = Encoding.UTF8.GetBytes(model.Config.ToJson());
        var tokenizerBytes = Encoding.UTF8.GetBytes(tokenizer.ToJson());
        File.WriteAllBytes(Path.Combine(staging, ConfigFile), configBytes);
        File.WriteAllBytes(Path.Combine(staging, TokenizerFile), tokenizerBytes);
        SafetensorsFile.Write(Path.Combine(staging, WeightsFile), Gpt2Weights.ToEntries(model), new Dictionary<string, string> { ["format"] = "pt" });

        var hashed = WithHashes(manifest, configBytes, File.ReadAllBytes(Path.Combine(staging, WeightsFile)), tokenizerBytes);
        File.WriteAllText(Path.Combine(staging, CheckpointManifest.FileName), JsonSerializer.Serialize(hashed, ManifestJson));

        var previous = directory.TrimEnd(Path.DirectorySeparatorChar) + ".previous";
        if (Directory.Exists(previous)) Directory.Delete(previous, recursive: true);
        if (Directory.Exists(directory)) Directory.Move(directory, previous);
        Directory.Move(staging, directory);
        if (Directory.Exists(previous)) Directory.Delete(previous, recursive: true);
        return hashed;
    }

    /// <summary>Loads a checkpoint folder; throws <see cref="InvalidDataException"/> that names the file and the problem.</summary>
    public static Checkpoint Load(string directory)
    {
        if (!Directory.Exists(directory))
            throw new InvalidDataException($"{directory}: checkpoint folder not found.");
        var configPath = Path.Combine(directory, ConfigFile);
        var weightsPath = Path.Combine(directory, WeightsFile);
        var tokenizerPath = Path.Combine(directory, TokenizerFile);
        foreach (var required in new[] { configPath, weightsPath, tokenizerPath })
        {
            if (!File.Exists(required))
                throw new InvalidDataException($"{required}: missing; a checkpoint folder needs {ConfigFile}, {WeightsFile} and {TokenizerFile}.");
        }

        var configBytes = File.ReadAllBytes(configPath);
        var tokenizerBytes = File.ReadAllBytes(tokenizerPath);
        var config = ParseJson(configPath, configBytes, GptConfig.FromJson);
        var tokenizer = ParseJson(tokenizerPath, tokenizerBytes, json => ByteTokenizer.Describes(json)
            ? new ByteTokenizer()
            : throw new FormatException($"unsupported tokenizer type '{(string?)json["type"]}'; supported: {ByteTokenizer.Kind}"));
        if (tokenizer.VocabSize > config.VocabSize)
            throw new InvalidDataException($"{configPath}: vocab_size {config.VocabSize} is smaller than the tokenizer's {tokenizer.VocabSize}.");

        var (entries, _) = SafetensorsFile.Read(weightsPath);
        var model = new Gpt(config);
        try
        {
            Gpt2Weights.Load(model, entries, weightsPath);
        }
        catch
        {
            model.Dispose();
            throw;
        }

        var manifestPath = Path.Combine(directory, CheckpointManifest.FileName);
        var stored = File.Exists(manifestPath)
            ? ParseJson(manifestPath, File.ReadAllBytes(manifestPath), json => json.Deserialize<CheckpointManifest>()!)
            : new CheckpointManifest { Method = "imported" };
        var manifest = WithHashes(stored, configBytes, File.ReadAllBytes(weightsPath), tokenizerBytes);
        return new Checkpoint(model, tokenizer, manifest);
    }

    public void Dispose() => Model.Dispose();

    private static CheckpointManifest WithHashes(CheckpointManifest manifest, byte[] config, byte[] weights, byte[] tokenizer)
    {
        var (c, w, t) = (Sha256(config), Sha256(weights), Sha256(tokenizer));
        return manifest with
        {
            ConfigSha256 = c,
            WeightsSha256 = w,
            TokenizerSha256 = t,
            ContentSha256 = Sha256(Encoding.UTF8.GetBytes($"config:{c}\nweights:{w}\ntokenizer:{t}\n")),
        };
    }

    public static string Sha256(byte[] bytes) => Convert.ToHexStringLower(SHA256.HashData(bytes));

    private static T ParseJson<T>(string path, byte[] bytes, Func<JsonNode, T> read)
    {
        try
        {
            var json = JsonNode.Parse(bytes) ?? throw new FormatException("the file is empty");
            return read(json);
        }
        catch (Exception e) when (e is JsonException or FormatException or InvalidOperationException)
        {
            throw new InvalidDataException($"{path}: {e.Message}", e);
        }
    }
}
