using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace Gatekeeper.Torch.Checkpoints;

/// <summary>
/// A checkpoint folder's weights: <c>model.safetensors</c>, or the shards that
/// <c>model.safetensors.index.json</c> maps tensor names to. Every shard's header is read and
/// checked, and the index must agree with the shards exactly.
/// </summary>
public sealed class WeightFiles
{
    public const string SingleFile = "model.safetensors";
    public const string IndexFile = "model.safetensors.index.json";

    private WeightFiles(string directory, string? index, IReadOnlyList<SafetensorsHeader> shards)
    {
        Directory = directory;
        Index = index;
        Shards = shards;
    }

    public string Directory { get; }

    /// <summary>The index file's path; null for a single file.</summary>
    public string? Index { get; }

    public IReadOnlyList<SafetensorsHeader> Shards { get; }

    /// <summary>Every tensor, with the header of the file that holds it.</summary>
    public IEnumerable<(SafetensorsHeader Header, SafetensorsTensor Tensor)> Tensors =>
        Shards.SelectMany(h => h.Tensors.Select(t => (h, t)));

    public static WeightFiles Locate(string directory)
    {
        var single = Path.Combine(directory, SingleFile);
        var index = Path.Combine(directory, IndexFile);
        if (File.Exists(index)) return Sharded(directory, index);
        if (File.Exists(single)) return new WeightFiles(directory, null, [SafetensorsHeader.Read(single)]);
        string hint = File.Exists(Path.Combine(directory, "pytorch_model.bin")) || System.IO.Directory.EnumerateFiles(directory, "*.bin").Any()
            ? " PyTorch pickle weights (.bin) are not loaded, since unpickling can run code: convert them to safetensors."
            : "";
        throw new InvalidDataException($"{directory}: no weights; a checkpoint folder needs {SingleFile} or {IndexFile} with its shards.{hint}");
    }

    private static WeightFiles Sharded(string directory, string index)
    {
        Dictionary<string, string> map;
        try
        {
            var json = JsonNode.Parse(File.ReadAllBytes(index)) as JsonObject ?? throw new FormatException("it is not a JSON object");
            var weightMap = json["weight_map"] as JsonObject ?? throw new FormatException("it has no \"weight_map\" object");
            map = weightMap.ToDictionary(p => p.Key, p => p.Value?.GetValueKind() == JsonValueKind.String
                ? p.Value.GetValue<string>()
                : throw new FormatException($"weight_map entry '{p.Key}' is not a file name"));
        }
        catch (Exception e) when (e is JsonException or FormatException)
        {
            throw new InvalidDataException($"{index}: not a valid index: {e.Message}.", e);
        }
        if (map.Count == 0) throw new InvalidDataException($"{index}: weight_map is empty.");

        var shards = new List<SafetensorsHeader>();
        foreach (var shard in map.Values.Distinct().Order(StringComparer.Ordinal))
        {
            // The index is untrusted: a shard must be a file of this folder, never a path out of it.
            if (shard.Length == 0 || shard != Path.GetFileName(shard) || shard is "." or ".." || shard.Contains('\\'))
                throw new InvalidDataException($"{index}: shard '{shard}' is not a plain file name in the checkpoint folder.");
            var path = Path.Combine(directory, shard);
            if (!File.Exists(path)) throw new InvalidDataException($"{index}: shard '{shard}' is missing from {directory}.");
            var header = SafetensorsHeader.Read(path);
            foreach (var tensor in header.Tensors)
            {
                if (!map.TryGetValue(tensor.Name, out var listed))
                    throw new InvalidDataException($"{path}: tensor '{tensor.Name}' is not in {IndexFile}.");
                if (listed != shard)
                    throw new InvalidDataException($"{path}: tensor '{tensor.Name}' is indexed in '{listed}', not in this shard.");
            }
            shards.Add(header);
        }
        var present = shards.SelectMany(h => h.Tensors.Select(t => t.Name)).ToHashSet();
        var absent = map.Keys.Where(k => !present.Contains(k)).Order(StringComparer.Ordinal).ToList();
        if (absent.Count > 0)
            throw new InvalidDataException($"{index}: {absent.Count} indexed tensors are not in their shards, e.g. '{absent[0]}' in '{map[absent[0]]}'.");
        return new WeightFiles(directory, index, shards);
    }

    /// <summary>
    /// SHA-256 of the weights: of the file itself, or for shards of the index's and each shard's
    /// hashes together. Streamed, so any size works.
    /// </summary>
    public string Sha256()
    {
        if (Index is null) return FileHash.Sha256(Shards[0].Path);
        var text = new StringBuilder($"index:{FileHash.Sha256(Index)}\n");
        foreach (var shard in Shards) text.Append($"{Path.GetFileName(shard.Path)}:{FileHash.Sha256(shard.Path)}\n");
        return Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(text.ToString())));
    }
}
