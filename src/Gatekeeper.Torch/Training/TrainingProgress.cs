namespace Gatekeeper.Torch.Training;

/// <summary>Where a training run stands, reported every few steps.</summary>
public sealed record TrainingProgress(int Step, int TotalSteps, double Loss, double LearningRate, double TokensPerSecond)
{
    /// <summary>When the step that closed this window ended.</summary>
    public DateTimeOffset At { get; init; } = DateTimeOffset.UtcNow;
}
