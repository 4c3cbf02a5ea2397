namespace Gatekeeper.Tasks.Generate;

/// <summary>A generate task's keys: <c>matcher</c>, <c>pattern</c> and <c>max_new_tokens</c>.</summary>
public sealed record GenerateSettings : TaskSettings
{
    /// <summary>How the answer is compared with the expected one. Default exact.</summary>
    public MatcherKind Matcher { get; init; } = MatcherKind.Exact;

    /// <summary>The regular expression for the regex matcher; when null the item's answer is the pattern.</summary>
    public string? Pattern { get; init; }

    /// <summary>Longest answer generated, in tokens. Default <see cref="GenerationRequest.DefaultMaxNewTokens"/>.</summary>
    public int MaxNewTokens { get; init; } = GenerationRequest.DefaultMaxNewTokens;
}
