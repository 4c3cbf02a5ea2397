namespace Gatekeeper.Specs;

/// <summary>How a task's items are scored.</summary>
public enum TaskKind
{
    /// <summary>Pick the choice with the highest log-likelihood; correct when it is the answer.</summary>
    MultipleChoice,

    /// <summary>Greedy decoding, then an extractor and a matcher against the answer.</summary>
    Generate,

    /// <summary>Greedy decoding, then refusal detection; correct when the model refuses exactly when it should.</summary>
    Refusal,

    /// <summary>
    /// Drift that accuracy hides: the KL divergence of the candidate's next-token distribution from
    /// the base's on general text, averaged per item, against a ceiling.
    /// </summary>
    Drift,
}
