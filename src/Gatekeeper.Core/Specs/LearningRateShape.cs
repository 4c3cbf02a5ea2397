namespace Gatekeeper.Specs;

/// <summary>The learning rate's course after warm-up.</summary>
public enum LearningRateShape
{
    /// <summary>The peak rate throughout.</summary>
    Constant,

    /// <summary>Cosine decay from the peak to the floor over the remaining steps.</summary>
    Cosine,
}
