namespace Gatekeeper.Verdicts;

/// <summary>
/// Backward transfer over a chain of fine-tunes (Lopez-Paz and Ranzato 2017): the mean, over the
/// earlier steps, of (the candidate's score on a step's task now) minus (the score when that step
/// had just learned it). Negative values are forgetting of what earlier fine-tunes taught.
/// </summary>
public sealed record BackwardTransfer(IReadOnlyList<BackwardTransferStep> Steps)
{
    public double Value => Steps.Count == 0 ? 0 : Steps.Average(s => s.Now - s.WhenLearned);
}

/// <summary>One earlier step: its checkpoint, its task, its score when learned and the candidate's now.</summary>
public sealed record BackwardTransferStep(string Checkpoint, string Task, double WhenLearned, double Now);
