using System.Globalization;
using System.Text.Json;
using CsvHelper;
using CsvHelper.Configuration;

namespace Gatekeeper.Battery;

/// <summary>
/// Reads the rows of a data file as field dictionaries, with the line (or, for Parquet, the row)
/// each came from, so every error can name it. Formats, by extension: <c>.jsonl</c> (one JSON
/// object per line), <c>.json</c> (a JSON array of objects, or JSON lines), <c>.csv</c> (RFC 4180,
/// read with CsvHelper: a header row, or the column names given for a file without one) and
/// <c>.parquet</c> (Hugging Face datasets' format, read with Parquet.Net).
/// </summary>
public static class DataFile
{
    public sealed record Row(int Line, IReadOnlyDictionary<string, JsonElement> Fields);

    /// <param name="path">The data file.</param>
    /// <param name="columns">For a CSV file without a header row: its column names, in order. Null: the first row is the header.</param>
    public static IReadOnlyList<Row> Read(string path, IReadOnlyList<string>? columns = null)
    {
        if (!File.Exists(path)) throw new BadInputException(path, null, "data file not found.");
        var extension = Path.GetExtension(path).ToLowerInvariant();
        if (columns is not null && extension != ".csv")
            throw new BadInputException(path, null, "'columns' names the columns of a CSV file without a header row; this file is not CSV.");
        return extension switch
        {
            ".jsonl" => ReadJsonLines(path),
            ".json" => StartsWithArray(path) ? ReadJsonArray(path) : ReadJsonLines(path),
            ".csv" => ReadCsv(path, columns),
            ".parquet" => ParquetRows.Read(path),
            _ => throw new BadInputException(path, null, "unknown data format; use .jsonl (one JSON object per line), .json (an array of objects), .csv (with a header row, or 'columns') or .parquet."),
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
                rows.Add(ObjectRow(path, line, document.RootElement));
            }
            catch (JsonException e)
            {
                throw new BadInputException(path, line, $"not valid JSON ({e.Message}). Each line must hold one complete JSON object.");
            }
        }
        return rows;
    }

    private static bool StartsWithArray(string path)
    {
        using var reader = new StreamReader(path);
        int c;
        while ((c = reader.Read()) >= 0)
        {
            if (!char.IsWhiteSpace((char)c) && c != '\uFEFF') return c == '[';
        }
        return false;
    }

    private static List<Row> ReadJsonArray(string path)
    {
        var bytes = File.ReadAllBytes(path);
        JsonDocument document;
        try
        {
            document = JsonDocument.Parse(bytes);
        }
        catch (JsonException e)
        {
            throw new BadInputException(path, (int?)e.LineNumber + 1, $"not valid JSON ({e.Message}). A .json data file is one array of objects, or one object per line.");
        }
        using (document)
        {
            // Each element's line, for messages: the reader knows where every token starts.
            var lines = ElementLines(bytes);
            return document.RootElement.EnumerateArray().Select((element, i) => ObjectRow(path, lines[i], element)).ToList();
        }
    }

    /// <summary>The line on which each top-level element of a JSON array starts.</summary>
    private static List<int> ElementLines(byte[] bytes)
    {
        var lines = new List<int>();
        var reader = new Utf8JsonReader(bytes);
        int line = 1;
        long counted = 0;
        while (reader.Read())
        {
            if (reader.CurrentDepth != 1 || reader.TokenType is JsonTokenType.EndObject or JsonTokenType.EndArray) continue;
            if (reader.TokenType is not (JsonTokenType.StartObject or JsonTokenType.StartArray or JsonTokenType.String or JsonTokenType.Number or JsonTokenType.True or JsonTokenType.False or JsonTokenType.Null)) continue;
            for (; counted < reader.TokenStartIndex; counted++)
            {
                if (bytes[counted] == (byte)'\n') line++;
            }
            lines.Add(line);
            if (reader.TokenType is JsonTokenType.StartObject or JsonTokenType.StartArray) reader.Skip();
        }
        return lines;
    }

    private static Row ObjectRow(string path, int line, JsonElement element)
    {
        if (element.ValueKind != JsonValueKind.Object)
            throw new BadInputException(path, line, "each row must be a JSON object, like {\"prompt\": \"...\", \"answer\": \"...\"}.");
        var fields = new Dictionary<string, JsonElement>();
        foreach (var property in element.EnumerateObject()) fields[property.Name] = property.Value.Clone();
        return new Row(line, fields);
    }

    private static List<Row> ReadCsv(string path, IReadOnlyList<string>? columns)
    {
        var rows = new List<Row>();
        var configuration = new CsvConfiguration(CultureInfo.InvariantCulture)
        {
            HasHeaderRecord = columns is null,
            DetectColumnCountChanges = false,
            IgnoreBlankLines = true,
        };
        using var reader = new StreamReader(path);
        using var csv = new CsvReader(reader, configuration);
        IReadOnlyList<string> header;
        int line = 1;
        try
        {
            if (columns is null)
            {
                if (!csv.Read()) return rows;
                csv.ReadHeader();
                header = csv.HeaderRecord ?? [];
                line = csv.Parser.RawRow + 1;
            }
            else header = columns;
            if (header.Distinct().Count() != header.Count)
                throw new BadInputException(path, 1, $"the column names repeat ({string.Join(", ", header)}); each must be unique.");
            while (csv.Read())
            {
                var record = csv.Parser.Record ?? [];
                int start = line;
                line = csv.Parser.RawRow + 1;
                if (record.Length == 1 && record[0].Length == 0) continue;
                if (record.Length != header.Count)
                    throw new BadInputException(path, start, $"has {record.Length} columns but {(columns is null ? "the header has" : "'columns' names")} {header.Count}. Quote values that contain commas.");
                var fields = new Dictionary<string, JsonElement>();
                for (int i = 0; i < header.Count; i++) fields[header[i]] = JsonSerializer.SerializeToElement(record[i]);
                rows.Add(new Row(start, fields));
            }
        }
        catch (CsvHelperException e)
        {
            throw new BadInputException(path, e.Context?.Parser?.RawRow, $"not valid CSV ({e.Message.Split('\n')[0]}).");
        }
        return rows;
    }
}
