using Gatekeeper.Specs;
using Gatekeeper.Torch.Checkpoints;
using Gatekeeper.Torch.Compute;
using Gatekeeper.Torch.Training;
using Gatekeeper.Torch.Training.Lora;

namespace Gatekeeper.Pipeline;

/// <summary>
/// The training stage: the candidate the spec asks for, trained from the base into
/// <c>&lt;output&gt;/candidate</c> (with its <c>training.json</c>), produced by the spec's external
/// training command, or the checkpoint (or PEFT adapter) the spec names.
/// </summary>
public static class TrainStage
{
    /// <summary>Where a trained candidate is written under the gate's output folder.</summary>
    public static string CandidateFolder(string output) => Path.Combine(output, "candidate");

    /// <returns>The candidate, loaded on the base's device, and its training when this gate trained it.</returns>
    public static (Checkpoint Candidate, TrainingRecord? Training) Run(GateSpec spec, Checkpoint baseCheckpoint, string output, GateRunOptions options,
        IGateObserver observer, CancellationToken cancellation)
    {
        var target = ComputeTarget.Of(baseCheckpoint.Model);
        if (spec.TrainCommand is { } command)
            return (LoadGiven(ExternalTrainer.Run(command, spec.Base, CandidateFolder(output), observer, cancellation), baseCheckpoint, target, observer), null);
        if (spec.Train is not { } train) return (LoadGiven(spec.Candidate!, baseCheckpoint, target, observer), null);
        observer.Stage($"Fine-tuning the candidate: {train.Method}, {train.Steps} steps, learning rate {train.LearningRate:G3}" +
            (train.Replay is { } r ? $", {r.Fraction:P0} replay" : "") + $", on {options.TrainingThreads} threads.");
        var (trained, record) = CandidateTrainer.Train(baseCheckpoint, train, CandidateFolder(output), options,
            observer.Stage, new Progress(observer), cancellation);
        return (trained, record);
    }

    /// <summary>A candidate trained elsewhere: a checkpoint folder, or a PEFT adapter merged over the base.</summary>
    public static Checkpoint LoadGiven(string directory, Checkpoint baseCheckpoint, ComputeTarget target, IGateObserver observer)
    {
        if (PeftAdapter.IsAdapter(directory))
        {
            observer.Stage($"Attaching the LoRA adapter {directory} to a copy of the base.");
            return PeftAdapter.Load(directory, baseCheckpoint);
        }
        observer.Stage($"Loading the candidate from {directory}.");
        return Checkpoint.Load(directory, target, fallbackTokenizer: baseCheckpoint.Tokenizer);
    }

    private sealed class Progress(IGateObserver observer) : IProgress<TrainingProgress>
    {
        public void Report(TrainingProgress value) => observer.Training(value);
    }
}
