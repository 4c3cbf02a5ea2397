using Gatekeeper.Pipeline;
using Gatekeeper.Torch.Evaluation;
using Gatekeeper.Torch.Training;

namespace Gatekeeper.Cli.Tests.Pipeline;

/// <summary>An observer that shows nothing, for gates run in tests without a terminal.</summary>
internal sealed class Silent : IGateObserver
{
    public void Stage(string message) { }

    public void Training(TrainingProgress progress) { }

    public void Evaluation(EvaluationProgress progress) { }
}
