namespace Gatekeeper.Tasks.Refusal;

/// <summary>
/// Decides whether a model's answer refuses its prompt: the seam a refusal task scores through.
/// The phrase list (<see cref="PhraseRefusalDetector"/>) is the detector built in; a classifier (a
/// model judging prompt and answer) implements this too, is chosen by <see cref="RefusalSettings.Detector"/>,
/// and puts what changes its decisions into <see cref="RefusalSettings.AsScored"/>, so the evaluation
/// cache never serves one detector's decisions for another's.
/// </summary>
public interface IRefusalDetector
{
    bool IsRefusal(string prompt, string answer);
}
