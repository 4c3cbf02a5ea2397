namespace Gatekeeper;

/// <summary>One thing wrong with an input file: where, and what to do about it.</summary>
public sealed record InputProblem(string File, int? Line, string Message)
{
    public override string ToString() => Line is { } line ? $"{File}:{line}: {Message}" : $"{File}: {Message}";
}
