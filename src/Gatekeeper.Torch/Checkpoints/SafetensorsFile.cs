using System.Buffers.Binary;
using System.Text;
using System.Text.Json.Nodes;
using Microsoft.Win32.SafeHandles;
using TorchSharp;
using static TorchSharp.torch;

namespace Gatekeeper.Torch.Checkpoints;

/// <summary>
/// Streams tensors between safetensors files and TorchSharp tensors in chunks, so memory holds
/// the model and one chunk, never a second copy of the model, and tensors of any size work.
/// </summary>
public static class SafetensorsFile
{
    /// <summary>Bytes moved at a time.</summary>
    private const long ChunkBytes = 16L << 20;

    /// <summary>The dtypes tensors are read from and written as.</summary>
    public static readonly IReadOnlyList<string> SupportedDTypes = ["F32", "F16", "BF16"];

    public static ScalarType ScalarTypeOf(string dtype) => dtype switch
    {
        "F32" => ScalarType.Float32,
        "F16" => ScalarType.Float16,
        "BF16" => ScalarType.BFloat16,
        _ => throw new ArgumentException($"dtype {dtype} is not supported; supported: {string.Join(", ", SupportedDTypes)}."),
    };

    public static string DTypeOf(ScalarType type) => type switch
    {
        ScalarType.Float32 => "F32",
        ScalarType.Float16 => "F16",
        ScalarType.BFloat16 => "BF16",
        _ => throw new ArgumentException($"Tensors of {type} cannot be written; supported: float32, float16, bfloat16."),
    };

    /// <summary>
    /// Writes tensors sorted by name, with the header padded to 8 bytes and <paramref name="metadata"/>
    /// (Hugging Face loaders want <c>{"format": "pt"}</c>), so equal content gives equal bytes.
    /// </summary>
    public static void Write(string path, IEnumerable<(string Name, Tensor Tensor)> tensors, IReadOnlyDictionary<string, string>? metadata = null)
    {
        var sorted = tensors.OrderBy(t => t.Name, StringComparer.Ordinal).ToList();
        var header = new JsonObject();
        if (metadata is { Count: > 0 })
        {
            var meta = new JsonObject();
            foreach (var (key, value) in metadata.OrderBy(m => m.Key, StringComparer.Ordinal)) meta[key] = value;
            header["__metadata__"] = meta;
        }
        long offset = 0;
        foreach (var (name, tensor) in sorted)
        {
            long bytes = tensor.numel() * tensor.ElementSize;
            header[name] = new JsonObject
            {
                ["dtype"] = DTypeOf(tensor.dtype),
                ["shape"] = new JsonArray(tensor.shape.Select(s => (JsonNode)s).ToArray()),
                ["data_offsets"] = new JsonArray(offset, offset + bytes),
            };
            offset += bytes;
        }
        var headerBytes = Encoding.UTF8.GetBytes(header.ToJsonString());
        int padded = (headerBytes.Length + 7) / 8 * 8;
        using var stream = new FileStream(path, FileMode.Create, FileAccess.Write, FileShare.None, 1 << 20);
        Span<byte> length = stackalloc byte[8];
        BinaryPrimitives.WriteUInt64LittleEndian(length, (ulong)padded);
        stream.Write(length);
        stream.Write(headerBytes);
        for (int i = headerBytes.Length; i < padded; i++) stream.WriteByte((byte)' ');
        using var noGrad = torch.no_grad();
        foreach (var (_, tensor) in sorted)
        {
            using var scope = torch.NewDisposeScope();
            var flat = tensor.detach().cpu().contiguous().view(-1);
            long perChunk = Math.Max(1, ChunkBytes / tensor.ElementSize);
            for (long start = 0; start < flat.numel(); start += perChunk)
            {
                using var chunk = flat.narrow(0, start, Math.Min(perChunk, flat.numel() - start));
                stream.Write(chunk.bytes);
            }
        }
    }

    /// <summary>
    /// Reads one tensor's data into <paramref name="destination"/> (any device, any floating dtype,
    /// contiguous, with the tensor's element count), converting from the stored dtype as it goes.
    /// </summary>
    public static void ReadInto(SafetensorsHeader header, SafetensorsTensor tensor, Tensor destination)
    {
        var stored = ScalarTypeOf(tensor.DType);
        if (destination.numel() != tensor.ElementCount)
            throw new ArgumentException($"'{tensor.Name}' has {tensor.ElementCount} elements; the destination has {destination.numel()}.");
        int size = SafetensorsTensor.ElementSize(tensor.DType);
        bool direct = destination.device_type == DeviceType.CPU && destination.dtype == stored && destination.is_contiguous();
        long perChunk = Math.Max(1, ChunkBytes / size);
        using var noGrad = torch.no_grad();
        using var file = File.OpenHandle(header.Path, FileMode.Open, FileAccess.Read, FileShare.Read);
        using var flat = destination.view(-1);
        using var staging = direct ? null : torch.empty(Math.Min(perChunk, Math.Max(1, tensor.ElementCount)), dtype: stored);
        for (long start = 0; start < tensor.ElementCount; start += perChunk)
        {
            long count = Math.Min(perChunk, tensor.ElementCount - start);
            long fileOffset = header.DataStart + tensor.Begin + start * size;
            using var target = flat.narrow(0, start, count);
            if (direct)
            {
                ReadExactly(file, target.bytes, fileOffset, header.Path);
            }
            else
            {
                using var part = staging!.narrow(0, 0, count);
                ReadExactly(file, part.bytes, fileOffset, header.Path);
                target.copy_(part);
            }
        }
    }

    private static void ReadExactly(SafeFileHandle file, Span<byte> buffer, long offset, string path)
    {
        while (buffer.Length > 0)
        {
            int read = RandomAccess.Read(file, buffer, offset);
            if (read == 0) throw SafetensorsHeader.Invalid(path, "the file ended inside a tensor's data");
            buffer = buffer[read..];
            offset += read;
        }
    }
}
