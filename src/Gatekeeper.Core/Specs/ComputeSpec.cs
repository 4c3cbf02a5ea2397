using System.Text.RegularExpressions;

namespace Gatekeeper.Specs;

/// <summary>
/// Where a run's models compute and in which precision: the spec's <c>device:</c> and <c>dtype:</c>
/// keys, which <c>--device</c> and <c>--dtype</c> override.
/// </summary>
public sealed partial record ComputeSpec
{
    public static readonly IReadOnlyList<string> DTypes = ["float32", "bfloat16", "float16"];

    /// <summary><c>cpu</c>, <c>cuda</c> or <c>cuda:N</c>. Default <c>cpu</c>.</summary>
    public string Device { get; init; } = "cpu";

    /// <summary><c>float32</c>, <c>bfloat16</c> or <c>float16</c>. Default <c>float32</c>.</summary>
    public string DType { get; init; } = "float32";

    /// <summary>What is wrong with a device name, or null when it is one of the accepted forms.</summary>
    public static string? DeviceProblem(string device) => DeviceName().IsMatch(device)
        ? null
        : $"device '{device}' is not one of cpu, cuda, cuda:N (e.g. cuda:0).";

    /// <summary>What is wrong with a dtype name, or null when it is supported.</summary>
    public static string? DTypeProblem(string dtype) => DTypes.Contains(dtype)
        ? null
        : $"dtype '{dtype}' is not supported; use one of {string.Join(", ", DTypes)}.";

    [GeneratedRegex("^(cpu|cuda|cuda:[0-9]{1,2})$")]
    private static partial Regex DeviceName();
}
