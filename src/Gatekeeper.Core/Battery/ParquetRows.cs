using System.Text.Json;
using System.Text.Json.Nodes;
using Parquet.Serialization;

namespace Gatekeeper.Battery;

/// <summary>
/// Rows of a Parquet file (Hugging Face datasets' format) as field dictionaries: lists become JSON
/// arrays and structs JSON objects, so nested fields (<c>choices.text</c>) are reached as in JSON.
/// A row's "line" is its 1-based row number.
/// </summary>
internal static class ParquetRows
{
    public static List<DataFile.Row> Read(string path)
    {
        IList<Dictionary<string, object>> data;
        try
        {
            using var stream = File.OpenRead(path);
            data = ParquetSerializer.DeserializeUntypedAsync(stream).GetAwaiter().GetResult().Data;
        }
        catch (Exception e) when (e is not OperationCanceledException)
        {
            // The file is untrusted input; whatever the reader throws on it is a malformed file.
            throw new BadInputException(path, null, $"not a readable Parquet file ({e.GetType().Name}: {e.Message}).");
        }
        return data
            .Select((row, i) => new DataFile.Row(i + 1, row.ToDictionary(p => p.Key, p => JsonSerializer.SerializeToElement(ToJson(p.Value)))))
            .ToList();
    }

    /// <summary>
    /// A value as the reader gives it, as JSON: structs are dictionaries, lists enumerables, and text
    /// inside them arrives as <see cref="ReadOnlyMemory{T}"/> of chars, which must become a string.
    /// </summary>
    private static JsonNode? ToJson(object? value) => value switch
    {
        null => null,
        string text => JsonValue.Create(text),
        ReadOnlyMemory<char> text => JsonValue.Create(text.ToString()),
        IDictionary<string, object> fields => new JsonObject(fields.Select(f => KeyValuePair.Create(f.Key, ToJson(f.Value)))),
        byte[] bytes => JsonValue.Create(System.Text.Encoding.UTF8.GetString(bytes)),
        System.Collections.IEnumerable items => new JsonArray([.. items.Cast<object?>().Select(ToJson)]),
        _ => JsonSerializer.SerializeToNode(value),
    };
}
