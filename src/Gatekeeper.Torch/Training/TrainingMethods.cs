namespace Gatekeeper.Torch.Training;

/// <summary>Creates a training method by the name a gate spec uses.</summary>
public static class TrainingMethods
{
    public static readonly IReadOnlyList<string> Names = ["full"];

    public static ITrainingMethod Create(string name) => name switch
    {
        "full" => new FullFineTuning(),
        _ => throw new ArgumentException($"Unknown training method '{name}'; available: {string.Join(", ", Names)}."),
    };
}
