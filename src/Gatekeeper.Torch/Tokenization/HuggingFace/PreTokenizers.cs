using System.Text.Json.Nodes;

namespace Gatekeeper.Torch.Tokenization.HuggingFace;

/// <summary>
/// A <c>tokenizer.json</c> pre-tokenizer: splits normalized text into the pieces BPE encodes one at
/// a time. Each step maps every piece to its sub-pieces; <paramref name="first"/> says whether a
/// piece opens the text (Metaspace's <c>prepend_scheme: first</c>).
/// </summary>
public delegate IEnumerable<string> PreTokenizer(string piece, bool first);

public static class PreTokenizers
{
    public static readonly IReadOnlyList<string> Supported = ["ByteLevel", "Split", "Metaspace", "Digits", "Sequence"];

    private const string Metaspace = "\u2581";

    /// <summary>The pre-tokenizer a JSON node describes; the whole text as one piece for null.</summary>
    public static PreTokenizer FromJson(JsonNode? node)
    {
        if (node is null) return (piece, _) => [piece];
        var json = node.AsObject();
        string type = (string?)json["type"] ?? "";
        switch (type)
        {
            case "ByteLevel":
            {
                bool prefix = (bool?)json["add_prefix_space"] ?? true;
                var regex = ((bool?)json["use_regex"] ?? true) ? new PatternSplitter(ByteLevel.Gpt2Pattern) : null;
                return (piece, _) =>
                {
                    if (prefix && !piece.StartsWith(' ')) piece = " " + piece;
                    var parts = regex is null ? [piece] : Split(piece, regex, "Isolated", invert: false);
                    return parts.Select(ByteLevel.Encode);
                };
            }
            case "Split":
            {
                var pattern = json["pattern"] as JsonObject ?? throw new FormatException("Split needs a pattern");
                var splitter = new PatternSplitter((string?)pattern["Regex"] ?? System.Text.RegularExpressions.Regex.Escape((string?)pattern["String"] ?? throw new FormatException("Split's pattern must be a String or a Regex")));
                string behavior = (string?)json["behavior"] ?? "Isolated";
                if (behavior is not ("Isolated" or "Removed" or "MergedWithPrevious" or "MergedWithNext"))
                    throw new FormatException($"Split behavior '{behavior}' is not supported; supported: Isolated, Removed, MergedWithPrevious, MergedWithNext");
                bool invert = (bool?)json["invert"] ?? false;
                return (piece, _) => Split(piece, splitter, behavior, invert);
            }
            case "Metaspace":
            {
                string replacement = (string?)json["replacement"] ?? Metaspace;
                string scheme = (string?)json["prepend_scheme"] ?? (((bool?)json["add_prefix_space"] ?? true) ? "always" : "never");
                bool split = (bool?)json["split"] ?? true;
                return (piece, first) =>
                {
                    piece = piece.Replace(" ", replacement, StringComparison.Ordinal);
                    if ((scheme == "always" || (scheme == "first" && first)) && !piece.StartsWith(replacement, StringComparison.Ordinal)) piece = replacement + piece;
                    return split ? SplitBefore(piece, replacement) : [piece];
                };
            }
            case "Digits":
            {
                var digits = new PatternSplitter(((bool?)json["individual_digits"] ?? false) ? @"\p{Nd}" : @"\p{Nd}+");
                return (piece, _) => Split(piece, digits, "Isolated", invert: false);
            }
            case "Sequence":
            {
                var steps = (json["pretokenizers"] as JsonArray ?? []).Select(FromJson).ToList();
                return (piece, first) =>
                {
                    IEnumerable<string> pieces = [piece];
                    foreach (var step in steps)
                    {
                        var current = pieces.ToList();
                        pieces = current.SelectMany((p, i) => step(p, first && i == 0));
                    }
                    return pieces;
                };
            }
            default:
                throw new FormatException($"pre-tokenizer '{type}' is not supported; supported: {string.Join(", ", Supported)}");
        }
    }

    /// <summary>Hugging Face's split behaviours around each match (or each gap, inverted).</summary>
    private static List<string> Split(string text, PatternSplitter splitter, string behavior, bool invert)
    {
        // Mark every stretch of the text as matched or not, in order.
        var stretches = new List<(string Text, bool Matched)>();
        int position = 0;
        foreach (var (start, length) in splitter.Matches(text))
        {
            if (start > position) stretches.Add((text[position..start], invert));
            stretches.Add((text.Substring(start, length), !invert));
            position = start + length;
        }
        if (position < text.Length) stretches.Add((text[position..], invert));

        var pieces = new List<string>();
        switch (behavior)
        {
            case "Removed":
                pieces.AddRange(stretches.Where(s => !s.Matched).Select(s => s.Text));
                break;
            case "MergedWithPrevious":
                foreach (var (piece, matched) in stretches)
                {
                    if (matched && pieces.Count > 0) pieces[^1] += piece;
                    else pieces.Add(piece);
                }
                break;
            case "MergedWithNext":
                string pending = "";
                foreach (var (piece, matched) in stretches)
                {
                    if (matched) pending += piece;
                    else
                    {
                        pieces.Add(pending + piece);
                        pending = "";
                    }
                }
                if (pending.Length > 0) pieces.Add(pending);
                break;
            default:
                pieces.AddRange(stretches.Select(s => s.Text));
                break;
        }
        return pieces.Where(p => p.Length > 0).ToList();
    }

    private static List<string> SplitBefore(string text, string marker)
    {
        var pieces = new List<string>();
        int start = 0;
        for (int i = text.IndexOf(marker, 1, StringComparison.Ordinal); i > 0; i = text.IndexOf(marker, i + 1, StringComparison.Ordinal))
        {
            pieces.Add(text[start..i]);
            start = i;
        }
        if (start < text.Length) pieces.Add(text[start..]);
        return pieces;
    }
}
