namespace Gatekeeper.Tasks.Generate;

/// <summary>How a generated answer is compared with the expected one.</summary>
public enum MatcherKind
{
    /// <summary>Equal after trimming surrounding white space.</summary>
    Exact,

    /// <summary>Equal after trimming, ignoring case.</summary>
    CaseInsensitive,

    /// <summary>The output contains the expected answer, ignoring case.</summary>
    Contains,

    /// <summary>The first number in the output equals the expected number, within <c>tolerance</c>.</summary>
    Numeric,

    /// <summary>The output matches the regular expression given as <c>pattern</c>, or the item's answer when none is given.</summary>
    Regex,

    /// <summary>The output parses as JSON and, when an answer is given, equals it as JSON.</summary>
    Json,
}
