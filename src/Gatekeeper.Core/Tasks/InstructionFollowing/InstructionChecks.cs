using System.Text.Json;
using System.Text.RegularExpressions;

namespace Gatekeeper.Tasks.InstructionFollowing;

/// <summary>
/// The verifiable instructions of IFEval (Zhou et al. 2023) that Gatekeeper checks, by IFEval's
/// instruction ids, each a rule on the response text alone.
/// </summary>
public static partial class InstructionChecks
{
    /// <summary>The instruction ids checked; any other is bad input naming these.</summary>
    public static readonly IReadOnlyList<string> Supported =
    [
        "change_case:english_lowercase", "punctuation:no_comma", "detectable_format:json_format",
        "length_constraints:number_words", "startend:end_checker",
    ];

    /// <summary>Why the instruction cannot be checked with these arguments; null when it can.</summary>
    public static string? Problem(string id, JsonElement arguments) => id switch
    {
        "length_constraints:number_words" => Integer(arguments, "num_words") is null
            ? "number_words needs a whole 'num_words'"
            : Text(arguments, "relation") is "less than" or "at least" ? null : "number_words needs 'relation' 'less than' or 'at least'",
        "startend:end_checker" => Text(arguments, "end_phrase") is { Length: > 0 } ? null : "end_checker needs an 'end_phrase'",
        _ when Supported.Contains(id) => null,
        _ => $"instruction '{id}' is not one Gatekeeper checks; supported: {string.Join(", ", Supported)}",
    };

    /// <summary>Whether <paramref name="response"/> follows the instruction (IFEval's strict check).</summary>
    public static bool Follows(string id, JsonElement arguments, string response) => id switch
    {
        "change_case:english_lowercase" => response == response.ToLowerInvariant(),
        "punctuation:no_comma" => !response.Contains(',', StringComparison.Ordinal),
        "detectable_format:json_format" => IsJson(response),
        "length_constraints:number_words" => Text(arguments, "relation") == "less than"
            ? Words().Count(response) < Integer(arguments, "num_words")
            : Words().Count(response) >= Integer(arguments, "num_words"),
        "startend:end_checker" => response.Trim().EndsWith(Text(arguments, "end_phrase")!.Trim(), StringComparison.OrdinalIgnoreCase),
        _ => false,
    };

    private static bool IsJson(string response)
    {
        // As IFEval does: a fenced block counts, fences removed.
        var text = response.Trim();
        foreach (var fence in new[] { "```json", "```Json", "```JSON", "```" })
        {
            if (text.StartsWith(fence, StringComparison.Ordinal)) text = text[fence.Length..];
        }
        if (text.EndsWith("```", StringComparison.Ordinal)) text = text[..^3];
        try
        {
            using var _ = JsonDocument.Parse(text.Trim());
            return true;
        }
        catch (JsonException)
        {
            return false;
        }
    }

    private static string? Text(JsonElement arguments, string name) =>
        arguments.ValueKind == JsonValueKind.Object && arguments.TryGetProperty(name, out var v) && v.ValueKind == JsonValueKind.String ? v.GetString() : null;

    private static int? Integer(JsonElement arguments, string name) =>
        arguments.ValueKind == JsonValueKind.Object && arguments.TryGetProperty(name, out var v) && v.ValueKind == JsonValueKind.Number && v.TryGetInt32(out int n) ? n : null;

    /// <summary>Words as IFEval's count sees them, near enough: runs of letters, digits and apostrophes.</summary>
    [GeneratedRegex(@"[\w']+")]
    private static partial Regex Words();
}
