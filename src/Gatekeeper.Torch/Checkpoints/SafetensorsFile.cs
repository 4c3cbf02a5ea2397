using System.Buffers.Binary;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace Gatekeeper.Torch.Checkpoints;

/// <summary>
/// Reads and writes the safetensors format (an 8-byte header length, a JSON header, raw data). The
/// header is checked before any data is used: sizes, offsets, overlaps and element counts. Nothing
/// is ever executed, unlike pickle-based checkpoints.
/// </summary>
public static class SafetensorsFile
{
    private const long MaxHeaderBytes = 100_000_000;

    /// <summary>Writes entries sorted by name, header padded to 8 bytes, so equal content gives equal bytes.</summary>
    public static void Write(string path, IEnumerable<SafetensorsEntry> entries, IReadOnlyDictionary<string, string>? metadata = null)
    {
        var sorted = entries.OrderBy(e => e.Name, StringComparer.Ordinal).ToList();
        var header = new JsonObject();
        if (metadata is { Count: > 0 })
        {
            var meta = new JsonObject();
            foreach (var (key, value) in metadata.OrderBy(m => m.Key, StringComparer.Ordinal)) meta[key] = value;
            header["__metadata__"] = meta;
        }
        long offset = 0;
        foreach (var entry in sorted)
        {
            header[entry.Name] = new JsonObject
            {
                ["dtype"] = entry.DType,
                ["shape"] = new JsonArray(entry.Shape.Select(s => (JsonNode)s).ToArray()),
                ["data_offsets"] = new JsonArray(offset, offset + entry.Data.Length),
            };
            offset += entry.Data.Length;
        }
        var headerBytes = Encoding.UTF8.GetBytes(header.ToJsonString());
        int padded = (headerBytes.Length + 7) / 8 * 8;
        using var stream = File.Create(path);
        Span<byte> length = stackalloc byte[8];
        BinaryPrimitives.WriteUInt64LittleEndian(length, (ulong)padded);
        stream.Write(length);
        stream.Write(headerBytes);
        for (int i = headerBytes.Length; i < padded; i++) stream.WriteByte((byte)' ');
        foreach (var entry in sorted) stream.Write(entry.Data);
    }

    /// <summary>Reads every tensor; throws <see cref="InvalidDataException"/> naming the first problem.</summary>
    public static (IReadOnlyList<SafetensorsEntry> Entries, IReadOnlyDictionary<string, string> Metadata) Read(string path)
    {
        var bytes = File.ReadAllBytes(path);
        if (bytes.Length < 8) throw Invalid(path, "the file is shorter than the 8-byte header length");
        ulong headerLength = BinaryPrimitives.ReadUInt64LittleEndian(bytes);
        if (headerLength > MaxHeaderBytes || (long)headerLength > bytes.Length - 8)
            throw Invalid(path, $"the header claims {headerLength} bytes but the file has {bytes.Length - 8} after the length");
        long dataStart = 8 + (long)headerLength;
        long dataLength = bytes.Length - dataStart;
        JsonObject header;
        try
        {
            header = JsonNode.Parse(bytes.AsSpan(8, (int)headerLength))?.AsObject() ?? throw Invalid(path, "the header is not a JSON object");
        }
        catch (JsonException e)
        {
            throw Invalid(path, $"the header is not valid JSON ({e.Message})");
        }

        var metadata = new Dictionary<string, string>();
        var entries = new List<(SafetensorsEntry Entry, long Begin, long End)>();
        foreach (var (name, node) in header)
        {
            if (name == "__metadata__")
            {
                foreach (var (key, value) in node?.AsObject() ?? []) metadata[key] = value?.GetValue<string>() ?? "";
                continue;
            }
            if (node is not JsonObject tensor) throw Invalid(path, $"tensor '{name}' is not described by an object");
            string dtype = (string?)tensor["dtype"] ?? throw Invalid(path, $"tensor '{name}' has no dtype");
            int size = SafetensorsEntry.ElementSize(dtype);
            if (size == 0) throw Invalid(path, $"tensor '{name}' has unknown dtype '{dtype}'");
            var shape = tensor["shape"]?.AsArray().Select(s => s!.GetValue<long>()).ToArray() ?? throw Invalid(path, $"tensor '{name}' has no shape");
            if (shape.Any(s => s < 0)) throw Invalid(path, $"tensor '{name}' has a negative dimension");
            var offsets = tensor["data_offsets"]?.AsArray().Select(o => o!.GetValue<long>()).ToArray();
            if (offsets is not { Length: 2 }) throw Invalid(path, $"tensor '{name}' needs data_offsets [begin, end]");
            var (begin, end) = (offsets[0], offsets[1]);
            if (begin < 0 || end < begin || end > dataLength)
                throw Invalid(path, $"tensor '{name}' has offsets [{begin}, {end}] outside the {dataLength} data bytes");
            long expected = shape.Aggregate(1L, (a, b) => checked(a * b)) * size;
            if (end - begin != expected)
                throw Invalid(path, $"tensor '{name}' spans {end - begin} bytes but its shape and dtype need {expected}");
            var data = bytes.AsSpan((int)(dataStart + begin), (int)(end - begin)).ToArray();
            entries.Add((new SafetensorsEntry(name, dtype, shape, data), begin, end));
        }
        var ordered = entries.OrderBy(e => e.Begin).ToList();
        for (int i = 1; i < ordered.Count; i++)
        {
            if (ordered[i].Begin < ordered[i - 1].End)
                throw Invalid(path, $"tensors '{ordered[i - 1].Entry.Name}' and '{ordered[i].Entry.Name}' overlap");
        }
        return (entries.Select(e => e.Entry).ToList(), metadata);
    }

    private static InvalidDataException Invalid(string path, string problem) =>
        new($"{path}: not a valid safetensors file: {problem}.");
}
