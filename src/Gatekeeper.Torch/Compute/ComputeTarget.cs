using Gatekeeper.Specs;
using Gatekeeper.Torch.Modeling;
using TorchSharp;
using static TorchSharp.torch;

namespace Gatekeeper.Torch.Compute;

/// <summary>
/// The device and dtype a run's models, batches and caches live on. Models are built in that
/// dtype and moved there once; nothing falls back to another device or precision silently.
/// </summary>
public sealed record ComputeTarget(Device Device, ScalarType DType)
{
    /// <summary>float32 on the CPU: the default, and what the tests use.</summary>
    public static ComputeTarget Cpu { get; } = new(torch.CPU, ScalarType.Float32);

    /// <summary>Where <paramref name="model"/> lives.</summary>
    public static ComputeTarget Of(CausalLanguageModel model) => new(model.Device, model.DType);

    /// <summary>
    /// The target a spec asks for. A CUDA device that is not there is an infrastructure failure
    /// (exit 3): the runner lacks what the job needs, and another runner may have it.
    /// </summary>
    public static ComputeTarget From(ComputeSpec spec)
    {
        var dtype = spec.DType switch
        {
            "float32" => ScalarType.Float32,
            "bfloat16" => ScalarType.BFloat16,
            "float16" => ScalarType.Float16,
            _ => throw new ArgumentException($"Unknown dtype '{spec.DType}'."),
        };
        if (spec.Device == "cpu") return new ComputeTarget(torch.CPU, dtype);
        int index = spec.Device.StartsWith("cuda:", StringComparison.Ordinal) ? int.Parse(spec.Device[5..], System.Globalization.CultureInfo.InvariantCulture) : 0;
        if (!torch.cuda.is_available())
        {
            throw new InfrastructureException($"device {spec.Device}: no CUDA device is available here. GPU runners need an NVIDIA driver " +
                "and a build with -p:GatekeeperGpu=true (the default build uses the CPU libtorch); or run with --device cpu.");
        }
        int count = torch.cuda.device_count();
        if (index >= count) throw new InfrastructureException($"device {spec.Device}: this machine has {count} CUDA device(s), numbered from 0.");
        return new ComputeTarget(torch.device(DeviceType.CUDA, index), dtype);
    }

    /// <summary>Builds a model of <paramref name="config"/> with its parameters in this dtype, on this device.</summary>
    public CausalLanguageModel Create(ModelConfig config)
    {
        var previous = torch.get_default_dtype();
        torch.set_default_dtype(DType);
        CausalLanguageModel model;
        try
        {
            model = ModelFamilies.Of(config).Create(config);
        }
        finally
        {
            torch.set_default_dtype(previous);
        }
        if (Device.type != DeviceType.CPU) model.to(Device);
        var stray = model.named_parameters().FirstOrDefault(p => p.parameter.dtype != DType || p.parameter.device_type != Device.type);
        if (stray.parameter is not null)
        {
            model.Dispose();
            throw new InvalidOperationException($"Parameter '{stray.name}' is {stray.parameter.dtype} on {stray.parameter.device}, not {DType} on {Device}.");
        }
        return model;
    }

    /// <summary>A new model of <paramref name="model"/>'s architecture on this target, with its weights.</summary>
    public CausalLanguageModel Copy(CausalLanguageModel model)
    {
        var copy = Create(model.Config);
        using var noGrad = torch.no_grad();
        var weights = model.named_parameters().ToDictionary(p => p.name, p => p.parameter);
        foreach (var (name, parameter) in copy.named_parameters()) parameter.copy_(weights[name]);
        return copy;
    }

    public override string ToString() => $"{Device.type.ToString().ToLowerInvariant()}{(Device.type == DeviceType.CUDA ? $":{Device.index}" : "")}, {DType.ToString().ToLowerInvariant()}";
}
