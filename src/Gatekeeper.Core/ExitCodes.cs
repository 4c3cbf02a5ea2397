namespace Gatekeeper;

/// <summary>The one table that maps outcomes to process exit codes.</summary>
public static class ExitCodes
{
    /// <summary>The gate passed (or only warned).</summary>
    public const int Pass = 0;

    /// <summary>The gate failed: forgetting crossed a threshold, or the target was not learned.</summary>
    public const int GateFailed = 1;

    /// <summary>Bad input: a spec, data file or checkpoint is malformed. The message says where and how to fix it.</summary>
    public const int BadInput = 2;

    /// <summary>Infrastructure failure that survived retries: I/O, a service, the runtime.</summary>
    public const int Infrastructure = 3;
}
