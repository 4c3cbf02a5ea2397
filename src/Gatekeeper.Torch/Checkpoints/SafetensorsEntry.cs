namespace Gatekeeper.Torch.Checkpoints;

/// <summary>One tensor of a safetensors file: its name, element type, shape and raw little-endian bytes.</summary>
public sealed record SafetensorsEntry(string Name, string DType, long[] Shape, byte[] Data)
{
    public static int ElementSize(string dtype) => dtype switch
    {
        "F64" or "I64" or "U64" => 8,
        "F32" or "I32" or "U32" => 4,
        "F16" or "BF16" or "I16" or "U16" => 2,
        "I8" or "U8" or "BOOL" or "F8_E4M3" or "F8_E5M2" => 1,
        _ => 0,
    };

    public long ElementCount => Shape.Aggregate(1L, (a, b) => a * b);
}
