using System.Text.Json;
using System.Text.Json.Serialization;

namespace Gatekeeper.Reporting;

/// <summary>
/// The decided gate as a file (<c>gate-result.json</c>): the report model with the verdict and every
/// check's numbers, written by <c>decide</c> (and <c>run</c>) and read by <c>report</c>, so a report
/// is rendered from what was decided, never recomputed.
/// </summary>
public static class GateResultFile
{
    public const string FileName = "gate-result.json";

    /// <summary>Raised on the file's format when a field changes meaning; older files are refused, not misread.</summary>
    public const int Format = 1;

    private static readonly JsonSerializerOptions Json = new()
    {
        PropertyNamingPolicy = JsonNamingPolicy.SnakeCaseLower,
        WriteIndented = true,
        IncludeFields = true,
        // A check that could not be measured carries NaN; the file keeps it as NaN.
        NumberHandling = JsonNumberHandling.AllowNamedFloatingPointLiterals,
        Converters = { new JsonStringEnumConverter(JsonNamingPolicy.SnakeCaseLower) },
    };

    private sealed record Envelope(int Format, ReportModel Result);

    public static void Write(string path, ReportModel result) => AtomicFile.WriteAllText(path, Serialize(result));

    /// <summary>The file's text.</summary>
    public static string Serialize(ReportModel result) => JsonSerializer.Serialize(new Envelope(Format, result), Json) + "\n";

    public static ReportModel Read(string path)
    {
        if (!File.Exists(path)) throw new BadInputException(path, null, $"not found: give the {FileName} that 'gatekeeper decide' or 'gatekeeper run' wrote.");
        ReportModel? result;
        try
        {
            // The format first: a file of another format is refused for what it is, not for a field it lacks.
            var node = System.Text.Json.Nodes.JsonNode.Parse(File.ReadAllText(path));
            int format = node?["format"]?.GetValue<int>() ?? 0;
            if (format != Format)
                throw new BadInputException(path, null, $"a gate result of format {format}; this version reads format {Format}. Decide again with this version.");
            result = node!["result"]?.Deserialize<ReportModel>(Json);
        }
        catch (Exception e) when (e is JsonException or InvalidOperationException or FormatException)
        {
            throw new BadInputException(path, null, $"not a gate result ({e.Message}); give the {FileName} that 'gatekeeper decide' wrote.");
        }
        if (result is null) throw new BadInputException(path, null, "not a gate result: it holds no result.");
        return result;
    }
}
