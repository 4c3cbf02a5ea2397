using System.Buffers.Binary;
using System.Text;
using Gatekeeper.Torch.Checkpoints;

namespace Gatekeeper.Torch.Tests.Checkpoints;

public sealed class SafetensorsFileTests : IDisposable
{
    private readonly string _path = Path.GetTempFileName();

    public void Dispose() => File.Delete(_path);

    [Fact]
    public void WriteThenRead_ReturnsTheSameTensors()
    {
        var data = new byte[24];
        for (int i = 0; i < data.Length; i++) data[i] = (byte)i;
        SafetensorsFile.Write(_path, [new SafetensorsEntry("b", "F32", [2, 3], data), new SafetensorsEntry("a", "F32", [0], [])]);
        var (entries, _) = SafetensorsFile.Read(_path);
        Assert.Equal(["a", "b"], entries.Select(e => e.Name).Order());
        Assert.Equal(data, entries.Single(e => e.Name == "b").Data);
        Assert.Equal(0, (BinaryPrimitives.ReadInt64LittleEndian(File.ReadAllBytes(_path)) % 8));
    }

    [Theory]
    [InlineData("{\"t\":{\"dtype\":\"F32\",\"shape\":[2],\"data_offsets\":[0,16]}}", "outside the")]
    [InlineData("{\"t\":{\"dtype\":\"F32\",\"shape\":[3],\"data_offsets\":[0,8]}}", "need 12")]
    [InlineData("{\"t\":{\"dtype\":\"Q4\",\"shape\":[2],\"data_offsets\":[0,8]}}", "unknown dtype")]
    [InlineData("{\"t\":{\"dtype\":\"F32\",\"shape\":[2],\"data_offsets\":[0,8]},\"u\":{\"dtype\":\"F32\",\"shape\":[1],\"data_offsets\":[4,8]}}", "overlap")]
    [InlineData("not json", "not valid JSON")]
    public void Read_RejectsMalformedHeaders(string header, string expected)
    {
        var headerBytes = Encoding.UTF8.GetBytes(header);
        var file = new byte[8 + headerBytes.Length + 8];
        BinaryPrimitives.WriteUInt64LittleEndian(file, (ulong)headerBytes.Length);
        headerBytes.CopyTo(file, 8);
        File.WriteAllBytes(_path, file);
        var error = Assert.Throws<InvalidDataException>(() => SafetensorsFile.Read(_path));
        Assert.Contains(expected, error.Message);
    }

    [Fact]
    public void Read_HeaderLongerThanFile_IsRejectedBeforeParsing()
    {
        var file = new byte[16];
        BinaryPrimitives.WriteUInt64LittleEndian(file, 1UL << 40);
        File.WriteAllBytes(_path, file);
        Assert.Contains("claims", Assert.Throws<InvalidDataException>(() => SafetensorsFile.Read(_path)).Message);
    }
}
