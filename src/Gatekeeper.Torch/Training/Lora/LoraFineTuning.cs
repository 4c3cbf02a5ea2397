using Gatekeeper.Specs;
using Gatekeeper.Torch.Checkpoints;
using Gatekeeper.Torch.Modeling;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace Gatekeeper.Torch.Training.Lora;

/// <summary>
/// LoRA (Hu et al. 2021): every base weight frozen, a low-rank adapter beside each targeted linear
/// layer trains. Forgets less than full fine-tuning and learns less (Biderman et al. 2024). The
/// candidate is saved as the adapter in PEFT's layout over the base, and merged too on request.
/// </summary>
public sealed class LoraFineTuning(LoraSpec spec) : ITrainingMethod
{
    public string Name => "lora";

    public IReadOnlyList<Parameter> Prepare(CausalLanguageModel model)
    {
        foreach (var parameter in model.parameters()) parameter.requires_grad = false;
        var trainable = new List<Parameter>();
        foreach (var (_, projection) in LoraTargets.Select(model, spec))
        {
            var adapter = new LoraAdapter(projection.InFeatures, projection.OutFeatures, spec.Rank, spec.Alpha / spec.Rank, spec.Dropout, model.DType, model.Device);
            projection.Attach(adapter);
            trainable.Add(adapter.A);
            trainable.Add(adapter.B);
        }
        return trainable;
    }

    public Tensor? ExtraLoss(CausalLanguageModel model) => null;

    public CheckpointManifest Save(string directory, CausalLanguageModel model, Checkpoint baseCheckpoint, CheckpointManifest manifest)
    {
        var saved = PeftAdapter.Save(directory, model, baseCheckpoint, spec, manifest);
        if (spec.Merge)
        {
            using var merged = PeftAdapter.Merge(model);
            Checkpoint.Save(Path.Combine(directory, "merged"), merged, baseCheckpoint.Tokenizer, manifest with { Method = "lora (merged)" }, baseCheckpoint.ConfigSource);
        }
        return saved;
    }

    public void Dispose()
    {
    }
}
