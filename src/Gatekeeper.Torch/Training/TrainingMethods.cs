using Gatekeeper.Specs;
using Gatekeeper.Torch.Training.Lora;

namespace Gatekeeper.Torch.Training;

/// <summary>Creates the training method a gate spec's <c>train:</c> names.</summary>
public static class TrainingMethods
{
    public static ITrainingMethod Create(TrainSpec spec) => spec.Method switch
    {
        "full" => new FullFineTuning(),
        "lora" => new LoraFineTuning(spec.Lora ?? new LoraSpec()),
        _ => throw new ArgumentException($"Unknown training method '{spec.Method}'; available: {string.Join(", ", TrainSpec.Methods)}."),
    };
}
