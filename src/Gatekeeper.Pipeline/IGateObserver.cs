using Gatekeeper.Torch.Evaluation;
using Gatekeeper.Torch.Training;

namespace Gatekeeper.Pipeline;

/// <summary>What a gate run tells the terminal as it goes.</summary>
public interface IGateObserver
{
    void Stage(string message);

    void Training(TrainingProgress progress);

    void Evaluation(EvaluationProgress progress);
}
