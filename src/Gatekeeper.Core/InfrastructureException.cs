namespace Gatekeeper;

/// <summary>A failure outside the user's input that survived retries: I/O, a service, the runtime. Maps to exit code 3.</summary>
public sealed class InfrastructureException : Exception
{
    public InfrastructureException(string message, Exception? inner = null) : base(message, inner)
    {
    }
}
