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

    [CommandOption("--batch-memory <GIB>")]
    [Description("Memory evaluation's batches may take, in GiB, by an estimate of their peak: more makes larger batches (faster on a GPU), never other answers. Default 1")]
    public double? BatchMemory { get; init; }

    /// <summary>The batches evaluation may make under <c>--batch-memory</c>.</summary>
    public Torch.Inference.InferenceBudget InferenceBudget => BatchMemory is { } gib
        ? Torch.Inference.InferenceBudget.Default with { Bytes = (long)(gib * (1L << 30)) }
        : Torch.Inference.InferenceBudget.Default;

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
        if (BatchMemory is <= 0 or > 4096) return ValidationResult.Error($"--batch-memory {BatchMemory}: give the GiB evaluation's batches may take, more than 0 and at most 4096 (default 1).");
        if (Device is not null && ComputeSpec.DeviceProblem(Device) is { } device) return ValidationResult.Error($"--device: {device}");
        if (DType is not null && ComputeSpec.DTypeProblem(DType) is { } dtype) return ValidationResult.Error($"--dtype: {dtype}");
        return base.Validate();
    }
}
