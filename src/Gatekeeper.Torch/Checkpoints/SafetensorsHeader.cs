using System.Buffers.Binary;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace Gatekeeper.Torch.Checkpoints;

/// <summary>
/// The header of a safetensors file (an 8-byte header length, a JSON header, raw data), read and
/// checked before any data is used: the header's own size, every tensor's dtype, shape and byte
/// range, and overlaps. Only the header is read; data is streamed later by <see cref="SafetensorsFile"/>.
/// Nothing is ever executed, unlike pickle-based checkpoints.
/// </summary>
public sealed class SafetensorsHeader
{
    private const long MaxHeaderBytes = 100_000_000;

    private SafetensorsHeader(string path, long dataStart, IReadOnlyList<SafetensorsTensor> tensors, IReadOnlyDictionary<string, string> metadata)
    {
        Path = path;
        DataStart = dataStart;
        Tensors = tensors;
        Metadata = metadata;
    }

    public string Path { get; }

    /// <summary>Offset in the file of the data section that tensors' ranges are relative to.</summary>
    public long DataStart { get; }

    public IReadOnlyList<SafetensorsTensor> Tensors { get; }

    public IReadOnlyDictionary<string, string> Metadata { get; }

    /// <summary>Reads and checks the header; throws <see cref="InvalidDataException"/> naming the first problem.</summary>
    public static SafetensorsHeader Read(string path)
    {
        using var stream = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.Read);
        long fileLength = stream.Length;
        if (fileLength < 8) throw Invalid(path, "the file is shorter than the 8-byte header length");
        Span<byte> lengthBytes = stackalloc byte[8];
        stream.ReadExactly(lengthBytes);
        ulong headerLength = BinaryPrimitives.ReadUInt64LittleEndian(lengthBytes);
        if (headerLength > MaxHeaderBytes || (long)headerLength > fileLength - 8)
            throw Invalid(path, $"the header claims {headerLength} bytes but the file has {fileLength - 8} after the length");
        var headerBytes = new byte[headerLength];
        stream.ReadExactly(headerBytes);
        long dataStart = 8 + (long)headerLength;
        long dataLength = fileLength - dataStart;

        JsonObject header;
        try
        {
            header = JsonNode.Parse(headerBytes) as JsonObject ?? throw Invalid(path, "the header is not a JSON object");
        }
        catch (JsonException e)
        {
            throw Invalid(path, $"the header is not valid JSON ({e.Message})");
        }

        var metadata = new Dictionary<string, string>();
        var tensors = new List<SafetensorsTensor>();
        foreach (var (name, node) in header)
        {
            if (name == "__metadata__")
            {
                if (node is not JsonObject meta) throw Invalid(path, "__metadata__ is not an object");
                foreach (var (key, value) in meta)
                    metadata[key] = value?.GetValueKind() == JsonValueKind.String ? value.GetValue<string>() : throw Invalid(path, $"__metadata__ '{key}' is not a string");
                continue;
            }
            tensors.Add(ReadTensor(path, name, node, dataLength));
        }
        var ordered = tensors.OrderBy(t => t.Begin).ThenBy(t => t.End).ToList();
        for (int i = 1; i < ordered.Count; i++)
        {
            if (ordered[i].Begin < ordered[i - 1].End)
                throw Invalid(path, $"tensors '{ordered[i - 1].Name}' and '{ordered[i].Name}' overlap");
        }
        return new SafetensorsHeader(path, dataStart, tensors, metadata);
    }

    private static SafetensorsTensor ReadTensor(string path, string name, JsonNode? node, long dataLength)
    {
        try
        {
            if (node is not JsonObject tensor) throw Invalid(path, $"tensor '{name}' is not described by an object");
            string dtype = tensor["dtype"]?.GetValueKind() == JsonValueKind.String ? tensor["dtype"]!.GetValue<string>() : throw Invalid(path, $"tensor '{name}' has no dtype");
            int size = SafetensorsTensor.ElementSize(dtype);
            if (size == 0) throw Invalid(path, $"tensor '{name}' has unknown dtype '{dtype}'");
            var shape = (tensor["shape"] as JsonArray)?.Select(s => s!.GetValue<long>()).ToArray() ?? throw Invalid(path, $"tensor '{name}' has no shape");
            if (shape.Any(s => s < 0)) throw Invalid(path, $"tensor '{name}' has a negative dimension");
            var offsets = (tensor["data_offsets"] as JsonArray)?.Select(o => o!.GetValue<long>()).ToArray();
            if (offsets is not { Length: 2 }) throw Invalid(path, $"tensor '{name}' needs data_offsets [begin, end]");
            var (begin, end) = (offsets[0], offsets[1]);
            if (begin < 0 || end < begin || end > dataLength)
                throw Invalid(path, $"tensor '{name}' has offsets [{begin}, {end}] outside the {dataLength} data bytes");
            long expected = checked(shape.Aggregate(1L, (a, b) => checked(a * b)) * size);
            if (end - begin != expected)
                throw Invalid(path, $"tensor '{name}' spans {end - begin} bytes but its shape and dtype need {expected}");
            return new SafetensorsTensor(name, dtype, shape, begin, end);
        }
        catch (Exception e) when (e is InvalidOperationException or FormatException or OverflowException or NullReferenceException)
        {
            throw Invalid(path, $"tensor '{name}' is described wrongly ({e.Message})");
        }
    }

    internal static InvalidDataException Invalid(string path, string problem) =>
        new($"{path}: not a valid safetensors file: {problem}.");
}
