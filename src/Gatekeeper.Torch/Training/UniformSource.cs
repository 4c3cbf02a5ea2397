namespace Gatekeeper.Torch.Training;

/// <summary>Draws examples uniformly, with replacement, from a fixed list.</summary>
public sealed class UniformSource : IExampleSource
{
    private readonly IReadOnlyList<TrainingExample> _examples;

    public UniformSource(IReadOnlyList<TrainingExample> examples)
    {
        if (examples.Count == 0) throw new ArgumentException("An example source needs at least one example.", nameof(examples));
        _examples = examples;
    }

    public int Count => _examples.Count;

    public TrainingExample Next(Random random) => _examples[random.Next(_examples.Count)];
}
