using Gatekeeper.Torch.Checkpoints;
using Gatekeeper.Torch.Modeling;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace Gatekeeper.Torch.Training;

/// <summary>Every parameter trains; nothing restrains the update. The highest forgetting risk.</summary>
public sealed class FullFineTuning : ITrainingMethod
{
    public string Name => "full";

    public IReadOnlyList<Parameter> Prepare(CausalLanguageModel model) => model.parameters().ToList();

    public Tensor? ExtraLoss(CausalLanguageModel model) => null;

    public CheckpointManifest Save(string directory, CausalLanguageModel model, Checkpoint baseCheckpoint, CheckpointManifest manifest) =>
        Checkpoint.Save(directory, model, baseCheckpoint.Tokenizer, manifest, baseCheckpoint.ConfigSource);

    public void Dispose()
    {
    }
}
