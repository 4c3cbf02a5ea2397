namespace Gatekeeper.Torch.Training;

/// <summary>The mean training loss of each reporting window, by the step that closed it.</summary>
public sealed record TrainingResult(IReadOnlyList<(int Step, double Loss)> LossByStep, TimeSpan Elapsed)
{
    public double FinalLoss => LossByStep.Count > 0 ? LossByStep[^1].Loss : double.NaN;

    /// <summary>Parameters the optimizer updated (for LoRA, the adapters').</summary>
    public long TrainableParameters { get; init; }
}
