namespace Gatekeeper.Specs;

/// <summary>What an inconclusive check does to the build.</summary>
public enum InconclusiveMeans
{
    /// <summary>The build fails (exit 1).</summary>
    Fail,

    /// <summary>The build passes and the report warns.</summary>
    Warn,

    /// <summary>The build passes; the report still lists the check as inconclusive.</summary>
    Pass,
}
