using System.Text.Json.Nodes;

namespace Gatekeeper.Torch.Tokenization.HuggingFace;

/// <summary>
/// Tokens added beside the BPE vocabulary (<c>added_tokens</c>): found in the text before anything
/// else, leftmost and longest first, and given their ids directly. Special ones are dropped when
/// decoding skips special tokens.
/// </summary>
public sealed class AddedTokens
{
    private readonly List<Entry> _tokens;
    private readonly Dictionary<int, Entry> _byId;
    private readonly Dictionary<char, Entry[]> _byFirstChar;

    private AddedTokens(List<Entry> tokens)
    {
        _tokens = [.. tokens.OrderByDescending(t => t.Content.Length)];
        _byId = tokens.GroupBy(t => t.Id).ToDictionary(g => g.Key, g => g.First());
        // Longest first within each starting character, so the first match is the longest.
        _byFirstChar = _tokens.GroupBy(t => t.Content[0]).ToDictionary(g => g.Key, g => g.ToArray());
    }

    public static AddedTokens FromJson(JsonArray? json) => new([.. (json ?? []).Select(node =>
    {
        var token = node!.AsObject();
        return new Entry((int)token["id"]!, (string?)token["content"] ?? throw new FormatException("an added token has no content"),
            (bool?)token["special"] ?? false, (bool?)token["lstrip"] ?? false, (bool?)token["rstrip"] ?? false, (bool?)token["single_word"] ?? false);
    }).Where(t => t.Content.Length > 0)]);

    public int? Id(string content) => _tokens.FirstOrDefault(t => t.Content == content)?.Id;

    public string? Content(int id) => _byId.TryGetValue(id, out var entry) ? entry.Content : null;

    public bool IsSpecial(int id) => _byId.TryGetValue(id, out var entry) && entry.Special;

    public int MaxId => _byId.Count == 0 ? -1 : _byId.Keys.Max();

    /// <summary>The text cut into stretches of plain text and added tokens, in order.</summary>
    public IEnumerable<(string Text, int? Token)> Split(string text)
    {
        int position = 0, plainStart = 0;
        while (position < text.Length)
        {
            var match = _byFirstChar.TryGetValue(text[position], out var candidates)
                ? candidates.FirstOrDefault(t => string.CompareOrdinal(text, position, t.Content, 0, t.Content.Length) == 0 && WholeWord(t, text, position))
                : null;
            if (match is null)
            {
                position++;
                continue;
            }
            int start = position, end = position + match.Content.Length;
            // lstrip / rstrip: the token swallows the whitespace beside it.
            if (match.LeftStrip) while (start > plainStart && char.IsWhiteSpace(text[start - 1])) start--;
            if (match.RightStrip) while (end < text.Length && char.IsWhiteSpace(text[end])) end++;
            if (start > plainStart) yield return (text[plainStart..start], null);
            yield return (match.Content, match.Id);
            position = plainStart = end;
        }
        if (plainStart < text.Length) yield return (text[plainStart..], null);
    }

    private static bool WholeWord(Entry token, string text, int position) => !token.SingleWord
        || ((position == 0 || !char.IsLetterOrDigit(text[position - 1]))
            && (position + token.Content.Length >= text.Length || !char.IsLetterOrDigit(text[position + token.Content.Length])));

    private sealed record Entry(int Id, string Content, bool Special, bool LeftStrip, bool RightStrip, bool SingleWord);
}
