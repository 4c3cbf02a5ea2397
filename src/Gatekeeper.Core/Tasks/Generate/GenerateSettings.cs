namespace Gatekeeper.Tasks.Generate;

/// <summary>
/// A generate task's keys. An answer is scored in four steps: the output is cut at the first stop
/// sequence, the extractor takes the answer out of it, the expected answer is taken out of the
/// item's by its own extractor, and the matcher compares the two.
/// </summary>
public sealed record GenerateSettings : TaskSettings
{
    /// <summary>How the answer is compared with the expected one. Default exact.</summary>
    public MatcherKind Matcher { get; init; } = MatcherKind.Exact;

    /// <summary>The regular expression for the regex matcher; when null the item's answer is the pattern.</summary>
    public string? Pattern { get; init; }

    /// <summary><c>tolerance</c>: for the numeric matcher, the largest absolute difference that matches. Default 0.</summary>
    public double Tolerance { get; init; }

    /// <summary><c>extract</c>: the part of the output that is the answer. Default the whole output.</summary>
    public ExtractorKind Extract { get; init; } = ExtractorKind.Whole;

    /// <summary><c>answer_extract</c>: the part of the item's answer that is expected (GSM8K: <c>after_hashes</c>). Default the whole answer.</summary>
    public ExtractorKind AnswerExtract { get; init; } = ExtractorKind.Whole;

    /// <summary><c>extract_pattern</c>: the regular expression of the regex extractor; its first group is the answer.</summary>
    public string? ExtractPattern { get; init; }

    /// <summary><c>json_field</c>: the field of the json_field extractor.</summary>
    public string? JsonField { get; init; }

    /// <summary><c>stop</c>: texts that end the answer; the output is cut at the first one. Default none.</summary>
    public IReadOnlyList<string> Stop { get; init; } = [];

    /// <summary>Longest answer generated, in tokens. Default <see cref="GenerationRequest.DefaultMaxNewTokens"/>.</summary>
    public int MaxNewTokens { get; init; } = GenerationRequest.DefaultMaxNewTokens;
}
