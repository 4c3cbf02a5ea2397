using System.ComponentModel;
using Gatekeeper.Specs;
using Spectre.Console;
using Spectre.Console.Cli;

namespace Gatekeeper.Cli.Commands;

/// <summary>Options of the commands that load a checkpoint: where its models run and in which precision.</summary>
public class ModelSettings : CommonSettings
{
    [CommandOption("--device <DEVICE>")]
    [Description("Where the models run: cpu, cuda or cuda:N. Overrides a spec's device:. Default cpu")]
    public string? Device { get; init; }

    [CommandOption("--dtype <DTYPE>")]
    [Description("Precision of the models: float32, bfloat16 or float16. Overrides a spec's dtype:. Default float32")]
    public string? DType { get; init; }

    /// <summary>The gate spec at <paramref name="path"/>, its device and dtype as these options override them.</summary>
    public GateSpec LoadSpec(string path)
    {
        var spec = GateSpecLoader.Load(path);
        return spec with { Compute = Apply(spec.Compute) };
    }

    /// <summary><paramref name="compute"/> with these options written over it.</summary>
    public ComputeSpec Apply(ComputeSpec compute) =>
        compute with { Device = Device ?? compute.Device, DType = DType ?? compute.DType };

    public override ValidationResult Validate()
    {
        if (Device is not null && ComputeSpec.DeviceProblem(Device) is { } device) return ValidationResult.Error($"--device: {device}");
        if (DType is not null && ComputeSpec.DTypeProblem(DType) is { } dtype) return ValidationResult.Error($"--dtype: {dtype}");
        return base.Validate();
    }
}
