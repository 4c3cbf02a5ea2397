using System.Text.Json;

namespace Gatekeeper.Battery;

/// <summary>
/// Reads the rows of a JSONL or CSV file as field dictionaries, with the line each came from, so
/// every error can name its line. CSV: a header row, comma-separated, double quotes escape.
/// </summary>
public static class DataFile
{
    public sealed record Row(int Line, IReadOnlyDictionary<string, JsonElement> Fields);

    public static IReadOnlyList<Row> Read(string path)
    {
        if (!File.Exists(path)) throw new BadInputException(path, null, "data file not found.");
        return Path.GetExtension(path).ToLowerInvariant() switch
        {
            ".jsonl" or ".json" => ReadJsonLines(path),
            ".csv" => ReadCsv(path),
            _ => throw new BadInputException(path, null, "unknown data format; use .jsonl (one JSON object per line) or .csv (with a header row)."),
        };
    }

    private static List<Row> ReadJsonLines(string path)
    {
        var rows = new List<Row>();
        int line = 0;
        foreach (var text in File.ReadLines(path))
        {
            line++;
            if (string.IsNullOrWhiteSpace(text)) continue;
            try
            {
                using var document = JsonDocument.Parse(text);
                if (document.RootElement.ValueKind != JsonValueKind.Object)
                    throw new BadInputException(path, line, "each line must be a JSON object, like {\"prompt\": \"...\", \"answer\": \"...\"}.");
                rows.Add(new Row(line, document.RootElement.EnumerateObject().ToDictionary(p => p.Name, p => p.Value.Clone())));
            }
            catch (JsonException e)
            {
                throw new BadInputException(path, line, $"not valid JSON ({e.Message}). Each line must hold one complete JSON object.");
            }
        }
        return rows;
    }

    private static List<Row> ReadCsv(string path)
    {
        var rows = new List<Row>();
        using var reader = new StreamReader(path);
        var header = ReadCsvRecord(reader, path, 1, out int consumed);
        if (header is null) return rows;
        int line = 1 + consumed;
        while (true)
        {
            int start = line;
            var record = ReadCsvRecord(reader, path, start, out consumed);
            if (record is null) break;
            line += consumed;
            if (record.Count == 1 && record[0].Length == 0) continue;
            if (record.Count != header.Count)
                throw new BadInputException(path, start, $"has {record.Count} columns but the header has {header.Count}. Quote values that contain commas.");
            rows.Add(new Row(start, header.Zip(record).ToDictionary(p => p.First, p => JsonSerializer.SerializeToElement(p.Second))));
        }
        return rows;
    }

    private static List<string>? ReadCsvRecord(TextReader reader, string path, int line, out int linesConsumed)
    {
        linesConsumed = 0;
        var text = reader.ReadLine();
        if (text is null) return null;
        linesConsumed = 1;
        var values = new List<string>();
        var current = new System.Text.StringBuilder();
        bool quoted = false;
        for (int i = 0; ; i++)
        {
            if (i == text.Length)
            {
                if (!quoted) break;
                var next = reader.ReadLine() ?? throw new BadInputException(path, line, "a quoted value is never closed.");
                linesConsumed++;
                current.Append('\n');
                text = next;
                i = -1;
                continue;
            }
            char c = text[i];
            if (quoted)
            {
                if (c == '"' && i + 1 < text.Length && text[i + 1] == '"') { current.Append('"'); i++; }
                else if (c == '"') quoted = false;
                else current.Append(c);
            }
            else if (c == '"') quoted = true;
            else if (c == ',') { values.Add(current.ToString()); current.Clear(); }
            else current.Append(c);
        }
        values.Add(current.ToString());
        return values;
    }
}
