using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace Gatekeeper.Torch.Tokenization.HuggingFace;

/// <summary>
/// Hugging Face's BPE model: a piece's characters are merged pair by pair, lowest merge rank first
/// (leftmost on ties), then looked up in the vocabulary. Characters the vocabulary lacks become
/// their UTF-8 bytes as <c>&lt;0xXX&gt;</c> tokens with <c>byte_fallback</c>, else the unknown token
/// (consecutive ones fused with <c>fuse_unk</c>). With <c>ignore_merges</c> a piece that is itself
/// in the vocabulary is one token. Microsoft.ML.Tokenizers' BPE has neither byte fallback nor
/// ignore_merges, which Llama 2 and Llama 3 need, hence this one.
/// </summary>
public sealed class BytePairModel
{
    private readonly Dictionary<string, int> _vocabulary;
    private readonly Dictionary<(int, int), (int Rank, int Merged)> _merges = [];
    private readonly int? _unknown;
    private readonly bool _byteFallback;
    private readonly bool _fuseUnknown;
    private readonly bool _ignoreMerges;
    private readonly int[]?[] _byteTokens = new int[]?[256];

    public BytePairModel(Dictionary<string, int> vocabulary, IEnumerable<(string Left, string Right)> merges, string? unknownToken,
        bool byteFallback, bool fuseUnknown, bool ignoreMerges)
    {
        _vocabulary = vocabulary;
        _byteFallback = byteFallback;
        _fuseUnknown = fuseUnknown;
        _ignoreMerges = ignoreMerges;
        if (unknownToken is not null)
            _unknown = vocabulary.TryGetValue(unknownToken, out int unk) ? unk : throw new FormatException($"unk_token '{unknownToken}' is not in the vocabulary");
        int rank = 0;
        foreach (var (left, right) in merges)
        {
            if (!vocabulary.TryGetValue(left, out int a) || !vocabulary.TryGetValue(right, out int b) || !vocabulary.TryGetValue(left + right, out int merged))
                throw new FormatException($"merge '{left} {right}' uses a token that is not in the vocabulary");
            _merges.TryAdd((a, b), (rank++, merged));
        }
        for (int b = 0; b < 256; b++)
            _byteTokens[b] = vocabulary.TryGetValue($"<0x{b:X2}>", out int id) ? [id] : null;
    }

    public IReadOnlyDictionary<string, int> Vocabulary => _vocabulary;

    /// <summary>Reads <c>model</c> of a <c>tokenizer.json</c>; throws <see cref="FormatException"/> for a model it cannot run.</summary>
    public static BytePairModel FromJson(JsonObject model)
    {
        string type = (string?)model["type"] ?? "BPE";
        if (type != "BPE") throw new FormatException($"tokenizer model '{type}' is not supported; supported: BPE");
        foreach (var key in new[] { "continuing_subword_prefix", "end_of_word_suffix" })
        {
            if (model[key] is JsonValue v && v.GetValueKind() == JsonValueKind.String && v.GetValue<string>().Length > 0)
                throw new FormatException($"BPE with {key} is not supported");
        }
        if (model["dropout"] is JsonValue d && d.GetValueKind() == JsonValueKind.Number && d.GetValue<double>() > 0)
            throw new FormatException("BPE dropout makes tokenization random; a gate needs it off (dropout: null)");
        var vocabulary = (model["vocab"] as JsonObject ?? throw new FormatException("the BPE model has no vocab"))
            .ToDictionary(p => p.Key, p => p.Value!.GetValue<int>());
        var merges = (model["merges"] as JsonArray ?? []).Select(ReadMerge);
        return new BytePairModel(vocabulary, merges, (string?)model["unk_token"], Flag(model, "byte_fallback"), Flag(model, "fuse_unk"), Flag(model, "ignore_merges"));
    }

    /// <summary>Merges as Hugging Face writes them: "a b", or the newer ["a", "b"].</summary>
    public static (string, string) ReadMerge(JsonNode? merge)
    {
        if (merge is JsonArray { Count: 2 } pair) return (pair[0]!.GetValue<string>(), pair[1]!.GetValue<string>());
        var text = merge?.GetValue<string>() ?? throw new FormatException("a merge is empty");
        int space = text.IndexOf(' ', 1);
        return space > 0 ? (text[..space], text[(space + 1)..]) : throw new FormatException($"merge '{text}' is not two tokens");
    }

    private static bool Flag(JsonObject model, string key) => model[key] is JsonValue v && v.GetValueKind() == JsonValueKind.True;

    /// <summary>The ids of one pre-tokenized piece.</summary>
    public void Encode(string piece, List<int> ids)
    {
        if (piece.Length == 0) return;
        if (_ignoreMerges && _vocabulary.TryGetValue(piece, out int whole))
        {
            ids.Add(whole);
            return;
        }
        var symbols = Symbols(piece);
        while (symbols.Count > 1)
        {
            int best = -1, bestRank = int.MaxValue, merged = 0;
            for (int i = 0; i + 1 < symbols.Count; i++)
            {
                if (_merges.TryGetValue((symbols[i], symbols[i + 1]), out var m) && m.Rank < bestRank)
                    (best, bestRank, merged) = (i, m.Rank, m.Merged);
            }
            if (best < 0) break;
            symbols[best] = merged;
            symbols.RemoveAt(best + 1);
        }
        ids.AddRange(symbols);
    }

    private List<int> Symbols(string piece)
    {
        var symbols = new List<int>(piece.Length);
        bool previousUnknown = false;
        for (int i = 0; i < piece.Length; i++)
        {
            int width = char.IsSurrogatePair(piece, i) ? 2 : 1;
            var character = piece.Substring(i, width);
            i += width - 1;
            if (_vocabulary.TryGetValue(character, out int id))
            {
                symbols.Add(id);
                previousUnknown = false;
                continue;
            }
            if (_byteFallback && Encoding.UTF8.GetBytes(character) is var bytes && bytes.All(b => _byteTokens[b] is not null))
            {
                foreach (var b in bytes) symbols.Add(_byteTokens[b]![0]);
                previousUnknown = false;
                continue;
            }
            if (_unknown is { } unknown)
            {
                if (!(_fuseUnknown && previousUnknown)) symbols.Add(unknown);
                previousUnknown = true;
            }
        }
        return symbols;
    }
}
