namespace Gatekeeper.Tasks.Generate;

/// <summary>Which part of a text is the answer, before the matcher compares it (<c>extract</c>, <c>answer_extract</c>).</summary>
public enum ExtractorKind
{
    /// <summary>The whole text.</summary>
    Whole,

    /// <summary>The first number in the text.</summary>
    FirstNumber,

    /// <summary>The last number in the text (lm-evaluation-harness's flexible GSM8K extract).</summary>
    LastNumber,

    /// <summary>The text after the last <c>####</c> (GSM8K's answer line), trimmed.</summary>
    AfterHashes,

    /// <summary>The first group of <c>extract_pattern</c> (the whole match when it has no group).</summary>
    Regex,

    /// <summary>The field <c>json_field</c> of the text parsed as a JSON object.</summary>
    JsonField,
}
