using System.Buffers.Binary;
using System.Text;
using Gatekeeper.Torch.Checkpoints;
using TorchSharp;
using static TorchSharp.torch;

namespace Gatekeeper.Torch.Tests.Checkpoints;

public sealed class SafetensorsFileTests : IDisposable
{
    private readonly string _path = Path.GetTempFileName();

    public void Dispose() => File.Delete(_path);

    [Fact]
    public void WriteThenRead_ReturnsTheSameTensorsSortedAndPadded()
    {
        using var b = torch.arange(6, dtype: ScalarType.Float32).view(2, 3);
        using var a = torch.zeros(0);
        SafetensorsFile.Write(_path, [("b", b), ("a", a)], new Dictionary<string, string> { ["format"] = "pt" });
        var header = SafetensorsHeader.Read(_path);
        Assert.Equal(["a", "b"], header.Tensors.Select(e => e.Name));
        Assert.Equal("pt", header.Metadata["format"]);
        Assert.Equal(0, BinaryPrimitives.ReadInt64LittleEndian(File.ReadAllBytes(_path)) % 8);
        using var back = torch.empty(2, 3);
        SafetensorsFile.ReadInto(header, header.Tensors.Single(t => t.Name == "b"), back);
        Assert.True(back.eq(b).all().item<bool>());
    }

    [Theory]
    [InlineData(ScalarType.BFloat16, "BF16")]
    [InlineData(ScalarType.Float16, "F16")]
    public void ReadInto_ConvertsHalfPrecisionToTheDestinationsDtype(ScalarType stored, string dtype)
    {
        // Values every half format holds exactly, so the round trip must be exact.
        using var values = torch.tensor(new float[] { 1.5f, -2f, 0.25f, 1024f });
        using var half = values.to(stored);
        SafetensorsFile.Write(_path, [("w", half)]);
        var header = SafetensorsHeader.Read(_path);
        Assert.Equal(dtype, header.Tensors[0].DType);
        using var back = torch.empty(4);
        SafetensorsFile.ReadInto(header, header.Tensors[0], back);
        Assert.True(back.eq(values).all().item<bool>());
    }

    [Fact]
    public void ReadInto_ATensorLargerThanOneChunk_ArrivesWhole()
    {
        using var big = torch.arange(5_000_000, dtype: ScalarType.Float32);  // 20 MB, more than one 16 MB chunk
        SafetensorsFile.Write(_path, [("big", big)]);
        var header = SafetensorsHeader.Read(_path);
        using var back = torch.empty(5_000_000, dtype: ScalarType.BFloat16);
        SafetensorsFile.ReadInto(header, header.Tensors[0], back);
        Assert.True(back.eq(big.to(ScalarType.BFloat16)).all().item<bool>());
    }

    [Fact]
    public void ReadInto_ATensorPastTwoGigabytes_IsReadFromItsOffset()
    {
        // A sparse file: 2.5 GB of unread padding, then four floats; only the last page is on disk.
        const long padding = 2_500_000_000;
        var header = Encoding.UTF8.GetBytes($"{{\"pad\":{{\"dtype\":\"U8\",\"shape\":[{padding}],\"data_offsets\":[0,{padding}]}},\"w\":{{\"dtype\":\"F32\",\"shape\":[4],\"data_offsets\":[{padding},{padding + 16}]}}}}");
        using (var stream = File.Create(_path))
        {
            var length = new byte[8];
            BinaryPrimitives.WriteUInt64LittleEndian(length, (ulong)header.Length);
            stream.Write(length);
            stream.Write(header);
            stream.SetLength(8 + header.Length + padding);
            stream.Seek(0, SeekOrigin.End);
            foreach (var value in new[] { 1.5f, -2f, 3.25f, 8f }) stream.Write(BitConverter.GetBytes(value));
        }
        var read = SafetensorsHeader.Read(_path);
        using var back = torch.empty(4);
        SafetensorsFile.ReadInto(read, read.Tensors.Single(t => t.Name == "w"), back);
        Assert.Equal([1.5f, -2f, 3.25f, 8f], back.data<float>().ToArray());
    }

    [Theory]
    [InlineData("{\"t\":{\"dtype\":\"F32\",\"shape\":[2],\"data_offsets\":[0,16]}}", "outside the")]
    [InlineData("{\"t\":{\"dtype\":\"F32\",\"shape\":[3],\"data_offsets\":[0,8]}}", "need 12")]
    [InlineData("{\"t\":{\"dtype\":\"Q4\",\"shape\":[2],\"data_offsets\":[0,8]}}", "unknown dtype")]
    [InlineData("{\"t\":{\"dtype\":\"F32\",\"shape\":[2],\"data_offsets\":[0,8]},\"u\":{\"dtype\":\"F32\",\"shape\":[1],\"data_offsets\":[4,8]}}", "overlap")]
    [InlineData("{\"t\":{\"dtype\":\"F32\",\"shape\":\"two\",\"data_offsets\":[0,8]}}", "no shape")]
    [InlineData("{\"t\":{\"dtype\":\"F32\",\"shape\":[\"x\"],\"data_offsets\":[0,8]}}", "described wrongly")]
    [InlineData("{\"t\":{\"dtype\":\"F32\",\"shape\":[4611686018427387904, 4],\"data_offsets\":[0,8]}}", "described wrongly")]
    [InlineData("{\"__metadata__\":{\"format\":3}}", "not a string")]
    [InlineData("[1,2]", "not a JSON object")]
    [InlineData("not json", "not valid JSON")]
    public void Read_RejectsMalformedHeaders(string header, string expected)
    {
        var headerBytes = Encoding.UTF8.GetBytes(header);
        var file = new byte[8 + headerBytes.Length + 8];
        BinaryPrimitives.WriteUInt64LittleEndian(file, (ulong)headerBytes.Length);
        headerBytes.CopyTo(file, 8);
        File.WriteAllBytes(_path, file);
        var error = Assert.Throws<InvalidDataException>(() => SafetensorsHeader.Read(_path));
        Assert.Contains(expected, error.Message);
        Assert.Contains(_path, error.Message);
    }

    [Fact]
    public void Read_HeaderLongerThanFile_IsRejectedBeforeParsing()
    {
        var file = new byte[16];
        BinaryPrimitives.WriteUInt64LittleEndian(file, 1UL << 40);
        File.WriteAllBytes(_path, file);
        Assert.Contains("claims", Assert.Throws<InvalidDataException>(() => SafetensorsHeader.Read(_path)).Message);
    }
}
