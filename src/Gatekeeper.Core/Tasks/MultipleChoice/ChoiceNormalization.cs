namespace Gatekeeper.Tasks.MultipleChoice;

/// <summary>How each choice's log-likelihood is compared (<c>normalize</c>).</summary>
public enum ChoiceNormalization
{
    /// <summary>As it is: lm-evaluation-harness's <c>acc</c>. Long choices are at a disadvantage.</summary>
    None,

    /// <summary>Divided by the choice's length in characters: lm-evaluation-harness's <c>acc_norm</c>.</summary>
    Characters,
}
