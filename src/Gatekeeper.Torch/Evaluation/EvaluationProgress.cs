namespace Gatekeeper.Torch.Evaluation;

/// <summary>Where an evaluation stands: items done of the task, and of the whole battery.</summary>
public sealed record EvaluationProgress(string Model, string Task, int TaskDone, int TaskTotal, int Done, int Total);
