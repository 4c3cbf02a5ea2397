using System.Text.Json;
using System.Text.Json.Nodes;

namespace Gatekeeper.Torch.Tokenization.HuggingFace;

/// <summary>
/// A Hugging Face tokenizer, as <c>tokenizer.json</c> describes it (or GPT-2's <c>vocab.json</c> +
/// <c>merges.txt</c>): added tokens first, then normalizer, pre-tokenizer and BPE on the text
/// between them; the post-processor adds special tokens; decoding runs the decoder chain. Byte-level
/// BPE (GPT-2, Llama 3, Qwen2, SmolLM) and SentencePiece-style BPE with byte fallback (Llama 2,
/// TinyLlama) are both this. Prompts are plain: the post-processor's tokens (a BOS), then the prompt;
/// an answer ends with the end-of-sequence token.
/// </summary>
public sealed class HuggingFaceTokenizer : ITokenizer
{
    private readonly AddedTokens _added;
    private readonly Func<string, string> _normalize;
    private readonly PreTokenizer _preTokenize;
    private readonly BytePairModel _model;
    private readonly Func<List<string>, List<string>> _decode;
    private readonly (int[] Before, int[] After) _template;
    private readonly Dictionary<int, string> _tokens;
    private readonly HashSet<int> _stops;

    public HuggingFaceTokenizer(JsonObject tokenizerJson, SpecialTokenSettings specials, IReadOnlyDictionary<string, byte[]> files)
    {
        _added = AddedTokens.FromJson(tokenizerJson["added_tokens"] as JsonArray);
        _normalize = Normalizers.FromJson(tokenizerJson["normalizer"]);
        _preTokenize = PreTokenizers.FromJson(tokenizerJson["pre_tokenizer"]);
        _model = BytePairModel.FromJson(tokenizerJson["model"] as JsonObject ?? throw new FormatException("tokenizer.json has no model"));
        _decode = Decoders.FromJson(tokenizerJson["decoder"]);
        _template = PostProcessor.FromJson(tokenizerJson["post_processor"]);
        _tokens = _model.Vocabulary.GroupBy(p => p.Value).ToDictionary(g => g.Key, g => g.First().Key);
        VocabSize = Math.Max(_tokens.Count == 0 ? 0 : _tokens.Keys.Max(), _added.MaxId) + 1;
        Files = files;

        int? Resolve(string? token) => token is null ? null : _added.Id(token) ?? (_model.Vocabulary.TryGetValue(token, out int id) ? id : null);
        var eos = Resolve(specials.EosToken) ?? specials.EosTokenIds.FirstOrDefault(-1);
        EndOfTurn = eos >= 0 ? eos : throw new FormatException(
            "no end-of-sequence token: tokenizer_config.json names no eos_token the vocabulary has, and generation_config.json gives no eos_token_id");
        _stops = [EndOfTurn, .. specials.EosTokenIds];
        Padding = Resolve(specials.PadToken) ?? EndOfTurn;
        Bos = Resolve(specials.BosToken);
        Specials = specials;
    }

    /// <summary>The special tokens and chat template the checkpoint's config files name.</summary>
    public SpecialTokenSettings Specials { get; }

    public int VocabSize { get; }
    public int EndOfTurn { get; }
    public int Padding { get; }

    /// <summary>The beginning-of-sequence token, when the tokenizer has one.</summary>
    public int? Bos { get; }

    public IReadOnlyDictionary<string, byte[]> Files { get; }

    public bool Stops(int id) => _stops.Contains(id);

    /// <summary>Ids of <paramref name="text"/> without the post-processor's special tokens (add_special_tokens=False).</summary>
    public int[] Encode(string text)
    {
        var ids = new List<int>();
        bool first = true;
        foreach (var (stretch, token) in _added.Split(text))
        {
            if (token is { } id) ids.Add(id);
            else
            {
                foreach (var piece in _preTokenize(_normalize(stretch), first)) _model.Encode(piece, ids);
            }
            first = false;
        }
        return [.. ids];
    }

    /// <summary>Ids with the post-processor's special tokens around them (add_special_tokens=True).</summary>
    public int[] EncodeWithSpecialTokens(string text) => [.. _template.Before, .. Encode(text), .. _template.After];

    /// <summary>Text of <paramref name="ids"/>, special tokens skipped (skip_special_tokens=True).</summary>
    public string Decode(IEnumerable<int> ids)
    {
        var tokens = new List<string>();
        foreach (int id in ids)
        {
            if (_added.IsSpecial(id)) continue;
            if (_added.Content(id) is { } added) tokens.Add(added);
            else if (_tokens.TryGetValue(id, out var token)) tokens.Add(token);
        }
        return string.Concat(_decode(tokens));
    }

    public int[] EncodePrompt(string prompt) => EncodeWithSpecialTokens(prompt);

    public int[] EncodeAnswer(string answer) => [.. Encode(answer), EndOfTurn];

    /// <summary>The token a special string names, if the tokenizer has it.</summary>
    public int? TokenId(string content) => _added.Id(content) ?? (_model.Vocabulary.TryGetValue(content, out int id) ? id : null);
}
