using System.Text;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;

namespace Gatekeeper.Torch.Tokenization.HuggingFace;

/// <summary>A <c>tokenizer.json</c> normalizer: text in, text out, before pre-tokenizing.</summary>
public static class Normalizers
{
    public static readonly IReadOnlyList<string> Supported = ["NFC", "NFD", "NFKC", "NFKD", "Lowercase", "Prepend", "Replace", "Strip", "Sequence"];

    /// <summary>The normalizer a JSON node describes; identity for null.</summary>
    public static Func<string, string> FromJson(JsonNode? node)
    {
        if (node is null) return text => text;
        var json = node.AsObject();
        string type = (string?)json["type"] ?? "";
        switch (type)
        {
            case "NFC": return text => text.Normalize(NormalizationForm.FormC);
            case "NFD": return text => text.Normalize(NormalizationForm.FormD);
            case "NFKC": return text => text.Normalize(NormalizationForm.FormKC);
            case "NFKD": return text => text.Normalize(NormalizationForm.FormKD);
            case "Lowercase": return text => text.ToLowerInvariant();
            case "Prepend":
                var prepend = (string?)json["prepend"] ?? "";
                return text => text.Length == 0 ? text : prepend + text;
            case "Replace":
                var replace = Replacement.FromJson(json);
                return replace.Apply;
            case "Strip":
                bool left = (bool?)json["strip_left"] ?? true, right = (bool?)json["strip_right"] ?? true;
                return text => left && right ? text.Trim() : left ? text.TrimStart() : right ? text.TrimEnd() : text;
            case "Sequence":
                var steps = (json["normalizers"] as JsonArray ?? []).Select(FromJson).ToList();
                return text => steps.Aggregate(text, (t, step) => step(t));
            default:
                throw new FormatException($"normalizer '{type}' is not supported; supported: {string.Join(", ", Supported)}");
        }
    }
}

/// <summary>A Replace step (normalizer or decoder): a literal string or a regex, replaced everywhere.</summary>
internal sealed class Replacement
{
    private readonly string? _literal;
    private readonly Regex? _regex;
    private readonly string _content;

    private Replacement(string? literal, Regex? regex, string content) => (_literal, _regex, _content) = (literal, regex, content);

    public static Replacement FromJson(JsonObject json)
    {
        var pattern = json["pattern"] as JsonObject ?? throw new FormatException("Replace needs a pattern");
        string content = (string?)json["content"] ?? "";
        if ((string?)pattern["String"] is { } literal) return new Replacement(literal, null, content);
        if ((string?)pattern["Regex"] is { } regex) return new Replacement(null, new Regex(regex, RegexOptions.CultureInvariant, TimeSpan.FromSeconds(5)), content);
        throw new FormatException("Replace's pattern must be a String or a Regex");
    }

    public string Apply(string text) => _literal is { Length: > 0 } literal ? text.Replace(literal, _content, StringComparison.Ordinal)
        : _regex is { } regex ? regex.Replace(text, _content) : text;
}
