namespace Gatekeeper.Tasks.InstructionFollowing;

/// <summary>An instruction-following task's key: <c>max_new_tokens</c>.</summary>
public sealed record InstructionFollowingSettings : TaskSettings
{
    /// <summary>Longest response generated, in tokens. Default <see cref="GenerationRequest.DefaultMaxNewTokens"/>.</summary>
    public int MaxNewTokens { get; init; } = GenerationRequest.DefaultMaxNewTokens;
}
