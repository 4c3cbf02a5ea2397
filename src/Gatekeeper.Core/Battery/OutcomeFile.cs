using System.Text.Json;
using System.Text.Json.Serialization;

namespace Gatekeeper.Battery;

/// <summary>Per-item outcomes as JSONL, one object per line: the file every stage exchanges.</summary>
public static class OutcomeFile
{
    private static readonly JsonSerializerOptions Json = new()
    {
        PropertyNamingPolicy = JsonNamingPolicy.SnakeCaseLower,
        DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull,
    };

    public static void Write(string path, IEnumerable<ItemOutcome> outcomes)
    {
        AtomicFile.WriteAllLines(path, outcomes.Select(o => JsonSerializer.Serialize(o, Json)));
    }

    public static IReadOnlyList<ItemOutcome> Read(string path)
    {
        var outcomes = new List<ItemOutcome>();
        int line = 0;
        foreach (var text in File.ReadLines(path))
        {
            line++;
            if (string.IsNullOrWhiteSpace(text)) continue;
            try
            {
                outcomes.Add(JsonSerializer.Deserialize<ItemOutcome>(text, Json) ?? throw new JsonException("empty"));
            }
            catch (JsonException e)
            {
                throw new BadInputException(path, line, $"not a valid outcome record ({e.Message}).");
            }
        }
        return outcomes;
    }
}
