using Gatekeeper.Torch.Checkpoints;
using Gatekeeper.Torch.Modeling;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace Gatekeeper.Torch.Training;

/// <summary>
/// The seams through which a mitigation changes the training loop: which parameters train, an
/// extra term added to the loss, and how the candidate is written. Replay is a data choice and
/// enters through the example source.
/// </summary>
public interface ITrainingMethod : IDisposable
{
    /// <summary>Short name recorded in manifests and reports: "full", "lora", "ewc".</summary>
    string Name { get; }

    /// <summary>Prepares the model (freezing, adding adapters) and returns what the optimizer updates.</summary>
    IReadOnlyList<Parameter> Prepare(CausalLanguageModel model);

    /// <summary>A term added to the task loss, or null.</summary>
    Tensor? ExtraLoss(CausalLanguageModel model);

    /// <summary>
    /// The finishing step: writes the trained candidate into <paramref name="directory"/> (a full
    /// checkpoint, or an adapter over the base) and returns its manifest with the hashes filled in.
    /// </summary>
    CheckpointManifest Save(string directory, CausalLanguageModel model, Checkpoint baseCheckpoint, CheckpointManifest manifest);
}
