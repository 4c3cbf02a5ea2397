namespace Gatekeeper.Torch.Evaluation;

/// <summary>Where an evaluation stands: items done of the task, and of the whole battery, in the time so far.</summary>
public sealed record EvaluationProgress(string Model, string Task, int TaskDone, int TaskTotal, int Done, int Total, TimeSpan Elapsed)
{
    /// <summary>Items per second over the battery so far; 0 before the first.</summary>
    public double ItemsPerSecond => Elapsed > TimeSpan.Zero ? Done / Elapsed.TotalSeconds : 0;

    /// <summary>The time the rest of the battery takes at the rate so far; null before the first item.</summary>
    public TimeSpan? Remaining => ItemsPerSecond > 0 ? TimeSpan.FromSeconds((Total - Done) / ItemsPerSecond) : null;
}
