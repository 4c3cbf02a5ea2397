using System.Globalization;
using System.Text.Json;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;

namespace Gatekeeper.Tasks.Generate;

/// <summary>Decides whether a generated answer matches the expected one, by the task's matcher.</summary>
public static partial class AnswerMatcher
{
    /// <param name="matcher">How to compare.</param>
    /// <param name="output">The answer taken from the model's output.</param>
    /// <param name="expected">The answer taken from the item.</param>
    /// <param name="pattern">For the regex matcher: the expression; null uses <paramref name="expected"/>.</param>
    /// <param name="tolerance">For the numeric matcher: the largest absolute difference that still matches. Default 0.</param>
    public static bool Matches(MatcherKind matcher, string output, string expected, string? pattern = null, double tolerance = 0) => matcher switch
    {
        MatcherKind.Exact => output.Trim() == expected.Trim(),
        MatcherKind.CaseInsensitive => string.Equals(output.Trim(), expected.Trim(), StringComparison.OrdinalIgnoreCase),
        MatcherKind.Contains => expected.Trim().Length > 0 && output.Contains(expected.Trim(), StringComparison.OrdinalIgnoreCase),
        MatcherKind.Numeric => FirstNumber(output) is { } got && FirstNumber(expected) is { } want && Math.Abs(got - want) <= (decimal)tolerance,
        MatcherKind.Regex => Regex.IsMatch(output, pattern ?? expected, RegexOptions.None, TimeSpan.FromSeconds(1)),
        MatcherKind.Json => JsonMatches(output, expected),
        _ => false,
    };

    /// <summary>The first number in the text, ignoring thousands separators.</summary>
    public static decimal? FirstNumber(string text)
    {
        var match = AnswerExtractor.Number().Match(text);
        return match.Success && decimal.TryParse(match.Value.Replace(",", ""), NumberStyles.Float, CultureInfo.InvariantCulture, out var value)
            ? value
            : null;
    }

    private static bool JsonMatches(string output, string expected)
    {
        JsonNode? got;
        try
        {
            got = JsonNode.Parse(output.Trim());
        }
        catch (JsonException)
        {
            return false;
        }
        if (expected.Trim().Length == 0) return true;
        try
        {
            return JsonNode.DeepEquals(got, JsonNode.Parse(expected));
        }
        catch (JsonException)
        {
            return false;
        }
    }
}
