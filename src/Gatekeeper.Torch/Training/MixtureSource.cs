namespace Gatekeeper.Torch.Training;

/// <summary>
/// Draws from several sources in fixed proportions: the pretraining mixture of capabilities, or a
/// fine-tuning set with general data replayed into every batch.
/// </summary>
public sealed class MixtureSource : IExampleSource
{
    private readonly (IExampleSource Source, double Cumulative)[] _parts;

    public MixtureSource(IEnumerable<(IExampleSource Source, double Weight)> parts)
    {
        var list = parts.Where(p => p.Weight > 0).ToList();
        double total = list.Sum(p => p.Weight);
        if (list.Count == 0 || total <= 0) throw new ArgumentException("A mixture needs at least one part with positive weight.", nameof(parts));
        double running = 0;
        _parts = list.Select(p => (p.Source, running += p.Weight / total)).ToArray();
    }

    public TrainingExample Next(Random random)
    {
        double pick = random.NextDouble();
        foreach (var (source, cumulative) in _parts)
        {
            if (pick < cumulative) return source.Next(random);
        }
        return _parts[^1].Source.Next(random);
    }
}
