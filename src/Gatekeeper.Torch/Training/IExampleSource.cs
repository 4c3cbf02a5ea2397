namespace Gatekeeper.Torch.Training;

/// <summary>Where training examples come from; batches are filled by drawing from it.</summary>
public interface IExampleSource
{
    TrainingExample Next(Random random);
}
