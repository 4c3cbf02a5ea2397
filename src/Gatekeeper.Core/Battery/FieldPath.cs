using System.Text.Json;

namespace Gatekeeper.Battery;

/// <summary>
/// A row's field by name, or by a path with dots into nested objects and arrays
/// (<c>choices.text</c>, <c>mc1_targets.choices</c>, <c>answers.0</c>); a field whose own name has
/// dots is found first.
/// </summary>
public static class FieldPath
{
    public static JsonElement? Resolve(IReadOnlyDictionary<string, JsonElement> fields, string path)
    {
        if (fields.TryGetValue(path, out var value)) return value;
        var parts = path.Split('.');
        if (parts.Length < 2 || !fields.TryGetValue(parts[0], out var current)) return null;
        foreach (var part in parts.Skip(1))
        {
            if (current.ValueKind == JsonValueKind.Object && current.TryGetProperty(part, out var child)) current = child;
            else if (current.ValueKind == JsonValueKind.Array && int.TryParse(part, out int index) && index >= 0 && index < current.GetArrayLength()) current = current[index];
            else return null;
        }
        return current;
    }

    /// <summary>The field as text: a string as it is, numbers and other JSON as written; null when absent or null.</summary>
    public static string? Text(IReadOnlyDictionary<string, JsonElement> fields, string path) => Resolve(fields, path) switch
    {
        null => null,
        { ValueKind: JsonValueKind.String } text => text.GetString(),
        { ValueKind: JsonValueKind.Null } => null,
        { } other => other.GetRawText(),
    };
}
