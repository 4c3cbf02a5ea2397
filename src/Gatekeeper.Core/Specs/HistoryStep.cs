namespace Gatekeeper.Specs;

/// <summary>
/// An earlier fine-tune in the chain that led to this candidate, oldest first: the checkpoint it
/// produced and the battery task it was trained for. Backward transfer compares that checkpoint's
/// score on its own task with the candidate's score on it now. <paramref name="Data"/>, optional, is
/// the data that fine-tune trained on: online EWC measures the step's Fisher on it.
/// </summary>
public sealed record HistoryStep(string Checkpoint, string Target, string? Data = null);
