using Gatekeeper.Specs;
using Gatekeeper.Torch.Modeling;
using Gatekeeper.Torch.Training.Ewc;
using Gatekeeper.Torch.Training.Lora;

namespace Gatekeeper.Torch.Training;

/// <summary>Creates the training method a gate spec's <c>train:</c> names.</summary>
public static class TrainingMethods
{
    /// <param name="spec">The spec's train section.</param>
    /// <param name="fisher">For EWC: the Fisher diagonal of the model being prepared (the base).</param>
    public static ITrainingMethod Create(TrainSpec spec, Func<CausalLanguageModel, FisherDiagonal>? fisher = null) => spec.Method switch
    {
        "full" => new FullFineTuning(),
        "lora" => new LoraFineTuning(spec.Lora ?? new LoraSpec()),
        "ewc" => new ElasticWeightConsolidation(spec.Ewc?.Lambda ?? throw new ArgumentException("Method ewc needs its settings."),
            fisher ?? throw new ArgumentException("Method ewc needs a Fisher diagonal.")),
        _ => throw new ArgumentException($"Unknown training method '{spec.Method}'; available: {string.Join(", ", TrainSpec.Methods)}."),
    };
}
