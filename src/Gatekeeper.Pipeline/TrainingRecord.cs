using Gatekeeper.Torch.Training;

namespace Gatekeeper.Pipeline;

/// <summary>
/// How a candidate was trained, as recorded beside it in <c>training.json</c>: the loss curve (each
/// point with the time it was measured), when the training started and ended, and the thread count
/// it ran at.
/// </summary>
public sealed record TrainingRecord(TrainingResult Result, int Threads, DateTimeOffset Started, DateTimeOffset Ended);
