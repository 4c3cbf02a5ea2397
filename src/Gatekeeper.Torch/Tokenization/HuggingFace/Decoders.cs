using System.Globalization;
using System.Text;
using System.Text.Json.Nodes;

namespace Gatekeeper.Torch.Tokenization.HuggingFace;

/// <summary>A <c>tokenizer.json</c> decoder: token strings in, token strings out; the result is their concatenation.</summary>
public static class Decoders
{
    public static readonly IReadOnlyList<string> Supported = ["ByteLevel", "Replace", "ByteFallback", "Fuse", "Strip", "Metaspace", "Sequence"];

    public static Func<List<string>, List<string>> FromJson(JsonNode? node)
    {
        if (node is null) return tokens => tokens;
        var json = node.AsObject();
        string type = (string?)json["type"] ?? "";
        switch (type)
        {
            case "ByteLevel":
                return tokens => [Encoding.UTF8.GetString(tokens.SelectMany(ByteLevel.Decode).ToArray())];
            case "Replace":
                var replace = Replacement.FromJson(json);
                return tokens => tokens.Select(replace.Apply).ToList();
            case "ByteFallback":
                return ByteFallback;
            case "Fuse":
                return tokens => [string.Concat(tokens)];
            case "Strip":
            {
                string content = (string?)json["content"] ?? " ";
                int start = (int?)json["start"] ?? 0, stop = (int?)json["stop"] ?? 0;
                return tokens => tokens.Select(t => Strip(t, content, start, stop)).ToList();
            }
            case "Metaspace":
            {
                string replacement = (string?)json["replacement"] ?? "\u2581";
                string scheme = (string?)json["prepend_scheme"] ?? (((bool?)json["add_prefix_space"] ?? true) ? "always" : "never");
                return tokens => tokens.Select((t, i) =>
                {
                    var text = t.Replace(replacement, " ", StringComparison.Ordinal);
                    return i == 0 && scheme != "never" && text.StartsWith(' ') ? text[1..] : text;
                }).ToList();
            }
            case "Sequence":
                var steps = (json["decoders"] as JsonArray ?? []).Select(FromJson).ToList();
                return tokens => steps.Aggregate(tokens, (t, step) => step(t));
            default:
                throw new FormatException($"decoder '{type}' is not supported; supported: {string.Join(", ", Supported)}");
        }
    }

    /// <summary>Runs of &lt;0xXX&gt; tokens become the text their bytes spell; bytes that spell nothing become U+FFFD each.</summary>
    private static List<string> ByteFallback(List<string> tokens)
    {
        var result = new List<string>();
        var bytes = new List<byte>();
        void Flush()
        {
            if (bytes.Count == 0) return;
            try
            {
                result.Add(new UTF8Encoding(false, throwOnInvalidBytes: true).GetString(bytes.ToArray()));
            }
            catch (DecoderFallbackException)
            {
                result.AddRange(bytes.Select(_ => "\uFFFD"));
            }
            bytes.Clear();
        }
        foreach (var token in tokens)
        {
            if (token.Length == 6 && token.StartsWith("<0x", StringComparison.Ordinal) && token[5] == '>'
                && byte.TryParse(token.AsSpan(3, 2), NumberStyles.HexNumber, CultureInfo.InvariantCulture, out byte b))
            {
                bytes.Add(b);
                continue;
            }
            Flush();
            result.Add(token);
        }
        Flush();
        return result;
    }

    private static string Strip(string token, string content, int start, int stop)
    {
        int left = 0, right = token.Length, stripped = 0;
        while (stripped < start && token.AsSpan(left).StartsWith(content, StringComparison.Ordinal))
        {
            left += content.Length;
            stripped++;
        }
        stripped = 0;
        while (stripped < stop && right - content.Length >= left && token.AsSpan(0, right).EndsWith(content, StringComparison.Ordinal))
        {
            right -= content.Length;
            stripped++;
        }
        return token[left..right];
    }
}
