using System.Text.Json;
using System.Text.RegularExpressions;

namespace Gatekeeper.Tasks.Generate;

/// <summary>Takes the answer out of a generated text (or an expected one) as the task's extractor says.</summary>
public static partial class AnswerExtractor
{
    /// <returns>The answer, or null when the text holds none (which never matches).</returns>
    public static string? Extract(ExtractorKind kind, string text, string? pattern = null, string? jsonField = null) => kind switch
    {
        ExtractorKind.Whole => text,
        ExtractorKind.FirstNumber => Number().Match(text) is { Success: true } m ? m.Value : null,
        ExtractorKind.LastNumber => Number().Matches(text) is { Count: > 0 } all ? all[^1].Value : null,
        ExtractorKind.AfterHashes => text.LastIndexOf("####", StringComparison.Ordinal) is >= 0 and var at ? text[(at + 4)..].Trim() : null,
        ExtractorKind.Regex => RegexGroup(text, pattern ?? throw new ArgumentException("The regex extractor needs a pattern.", nameof(pattern))),
        ExtractorKind.JsonField => JsonValue(text, jsonField ?? throw new ArgumentException("The json_field extractor needs a field.", nameof(jsonField))),
        _ => null,
    };

    private static string? RegexGroup(string text, string pattern)
    {
        var match = System.Text.RegularExpressions.Regex.Match(text, pattern, RegexOptions.None, TimeSpan.FromSeconds(1));
        if (!match.Success) return null;
        return match.Groups.Count > 1 ? match.Groups[1].Value : match.Value;
    }

    private static string? JsonValue(string text, string field)
    {
        try
        {
            using var document = JsonDocument.Parse(text.Trim());
            if (document.RootElement.ValueKind != JsonValueKind.Object || !document.RootElement.TryGetProperty(field, out var value)) return null;
            return value.ValueKind == JsonValueKind.String ? value.GetString() : value.GetRawText();
        }
        catch (JsonException)
        {
            return null;
        }
    }

    /// <summary>A number as people write it: a sign, digits with thousands separators, a decimal part.</summary>
    [GeneratedRegex(@"-?\d[\d,]*(\.\d+)?")]
    internal static partial Regex Number();
}
