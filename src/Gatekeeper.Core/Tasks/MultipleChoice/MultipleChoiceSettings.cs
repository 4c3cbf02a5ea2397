namespace Gatekeeper.Tasks.MultipleChoice;

/// <summary>A multiple-choice task's key: <c>normalize</c>.</summary>
public sealed record MultipleChoiceSettings : TaskSettings
{
    /// <summary>How choices' log-likelihoods are compared. Default none (accuracy as is).</summary>
    public ChoiceNormalization Normalize { get; init; } = ChoiceNormalization.None;
}
