using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using Gatekeeper.Torch.Tokenization.HuggingFace;

namespace Gatekeeper.Torch.Tokenization;

/// <summary>
/// Finds and reads the tokenizer of a checkpoint folder: the embedded byte tokenizer, a Hugging Face
/// <c>tokenizer.json</c>, or GPT-2's <c>vocab.json</c> + <c>merges.txt</c>; with the special tokens
/// of <c>tokenizer_config.json</c> and <c>generation_config.json</c>.
/// </summary>
public static class TokenizerFiles
{
    public const string TokenizerJson = "tokenizer.json";
    public const string TokenizerConfig = "tokenizer_config.json";
    public const string GenerationConfig = "generation_config.json";
    public const string Vocab = "vocab.json";
    public const string Merges = "merges.txt";

    /// <summary>The files that belong to a tokenizer; a written candidate carries the ones its base had.</summary>
    public static readonly IReadOnlyList<string> Names = [TokenizerJson, TokenizerConfig, "special_tokens_map.json", GenerationConfig, Vocab, Merges, "added_tokens.json", "tokenizer.model"];

    /// <summary>Reads the folder's tokenizer; throws <see cref="InvalidDataException"/> naming the file and the problem.</summary>
    public static ITokenizer Load(string directory)
    {
        var files = Names.Where(n => File.Exists(Path.Combine(directory, n))).ToDictionary(n => n, n => File.ReadAllBytes(Path.Combine(directory, n)));
        var tokenizerConfig = Parse(directory, files, TokenizerConfig);
        var specials = SpecialTokenSettings.FromJson(tokenizerConfig, Parse(directory, files, GenerationConfig));
        var path = Path.Combine(directory, TokenizerJson);
        try
        {
            if (files.ContainsKey(TokenizerJson))
            {
                var json = Parse(directory, files, TokenizerJson)!;
                return ByteTokenizer.Describes(json) ? new ByteTokenizer() : new HuggingFaceTokenizer(json, specials, files);
            }
            if (files.ContainsKey(Vocab) && files.ContainsKey(Merges))
            {
                path = Path.Combine(directory, Merges);
                return new HuggingFaceTokenizer(Gpt2Json(files[Vocab], files[Merges], tokenizerConfig, specials), specials, files);
            }
        }
        catch (Exception e) when (e is FormatException or JsonException or InvalidOperationException or KeyNotFoundException)
        {
            throw new InvalidDataException($"{path}: {e.Message}.", e);
        }
        string sentencePiece = files.ContainsKey("tokenizer.model") ? " A SentencePiece tokenizer.model alone is not read: save the tokenizer with Hugging Face's fast tokenizer to get tokenizer.json." : "";
        throw new InvalidDataException($"{directory}: no tokenizer; a checkpoint folder needs {TokenizerJson}, or {Vocab} and {Merges}.{sentencePiece}");
    }

    /// <summary>SHA-256 of a tokenizer's files: of the file itself when there is one, else of each file's name and hash.</summary>
    public static string Sha256(IReadOnlyDictionary<string, byte[]> files)
    {
        if (files.Count == 1) return Convert.ToHexStringLower(SHA256.HashData(files.Single().Value));
        var text = string.Concat(files.OrderBy(f => f.Key, StringComparer.Ordinal).Select(f => $"{f.Key}:{Convert.ToHexStringLower(SHA256.HashData(f.Value))}\n"));
        return Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(text)));
    }

    /// <summary>GPT-2's tokenizer as Hugging Face's converter writes it from vocab.json and merges.txt.</summary>
    private static JsonObject Gpt2Json(byte[] vocabBytes, byte[] mergesBytes, JsonObject? config, SpecialTokenSettings specials)
    {
        var vocab = JsonNode.Parse(vocabBytes) as JsonObject ?? throw new FormatException($"{Vocab} is not a JSON object");
        var merges = new JsonArray();
        foreach (var line in Encoding.UTF8.GetString(mergesBytes).Split('\n'))
        {
            var merge = line.TrimEnd('\r');
            if (merge.Length == 0 || merge.StartsWith("#version", StringComparison.Ordinal)) continue;
            merges.Add(merge);
        }
        var added = new JsonArray();
        foreach (var token in new[] { specials.BosToken, specials.EosToken, specials.PadToken, (string?)config?["unk_token"] }.OfType<string>().Distinct())
        {
            if (vocab[token] is { } id) added.Add(new JsonObject { ["id"] = (int)id, ["content"] = token, ["special"] = true });
        }
        bool prefix = (bool?)config?["add_prefix_space"] ?? false;
        JsonObject ByteLevel(bool addPrefix) => new() { ["type"] = "ByteLevel", ["add_prefix_space"] = addPrefix, ["trim_offsets"] = true, ["use_regex"] = true };
        return new JsonObject
        {
            ["added_tokens"] = added,
            ["pre_tokenizer"] = ByteLevel(prefix),
            ["post_processor"] = ByteLevel(true),
            ["decoder"] = ByteLevel(true),
            ["model"] = new JsonObject { ["type"] = "BPE", ["vocab"] = vocab.DeepClone(), ["merges"] = merges },
        };
    }

    private static JsonObject? Parse(string directory, Dictionary<string, byte[]> files, string name)
    {
        if (!files.TryGetValue(name, out var bytes)) return null;
        try
        {
            return JsonNode.Parse(bytes) as JsonObject ?? throw new FormatException("it is not a JSON object");
        }
        catch (Exception e) when (e is JsonException or FormatException)
        {
            throw new InvalidDataException($"{Path.Combine(directory, name)}: {e.Message}", e);
        }
    }
}
