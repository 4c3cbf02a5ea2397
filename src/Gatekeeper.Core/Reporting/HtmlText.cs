using System.Net;

namespace Gatekeeper.Reporting;

/// <summary>Makes text from datasets and model outputs safe inside HTML (and SVG): every markup character an entity, control characters and line breaks spaces, long text cut.</summary>
public static class HtmlText
{
    public static string Escape(string? text, int maxLength = 200)
    {
        if (string.IsNullOrEmpty(text)) return "";
        if (text.Length > maxLength) text = text[..maxLength] + "…";
        var flat = string.Create(text.Length, text, (span, source) =>
        {
            for (int i = 0; i < source.Length; i++) span[i] = char.IsControl(source[i]) ? ' ' : source[i];
        });
        return WebUtility.HtmlEncode(flat);
    }
}
