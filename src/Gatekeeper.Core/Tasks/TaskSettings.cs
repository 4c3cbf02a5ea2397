namespace Gatekeeper.Tasks;

/// <summary>The settings a task kind reads from its own keys; a kind with none uses <see cref="None"/>.</summary>
public abstract record TaskSettings
{
    public static TaskSettings None { get; } = new NoSettings();

    /// <summary>
    /// These settings with every default the scoring fills in made explicit, so that a key built from
    /// them (the evaluation cache's) changes when a default does.
    /// </summary>
    public virtual TaskSettings AsScored() => this;

    private sealed record NoSettings : TaskSettings;
}
