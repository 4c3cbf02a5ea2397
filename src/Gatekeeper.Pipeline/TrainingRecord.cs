using Gatekeeper.Torch.Training;

namespace Gatekeeper.Pipeline;

/// <summary>How a candidate was trained, as recorded beside it in <c>training.json</c>: the loss curve and time, and the thread count it ran at.</summary>
public sealed record TrainingRecord(TrainingResult Result, int Threads);
