namespace Gatekeeper.Torch.Training;

/// <summary>The mean training loss of each reporting window, by the step that closed it and when that step ended.</summary>
public sealed record LossPoint(int Step, double Loss, DateTimeOffset At);

/// <summary>The loss curve of a training and the time it took.</summary>
public sealed record TrainingResult(IReadOnlyList<LossPoint> LossByStep, TimeSpan Elapsed)
{
    public double FinalLoss => LossByStep.Count > 0 ? LossByStep[^1].Loss : double.NaN;

    /// <summary>Parameters the optimizer updated (for LoRA, the adapters').</summary>
    public long TrainableParameters { get; init; }
}
