using System.Text;

namespace Gatekeeper.Reporting;

/// <summary>
/// Makes text from datasets and model outputs safe inside markdown tables and GitHub comments: no
/// HTML (angle brackets become entities), no table breaks or code fences (pipes and backticks are
/// escaped, lines joined), no emphasis or links it did not mean, and nothing that notifies: an
/// <c>@</c> or <c>#</c> is followed by a zero-width space (<c>&amp;#8203;</c>), so <c>@team</c> and
/// <c>#12</c> mention and reference no one, and a bare address is broken the same way so it does not
/// become a link.
/// </summary>
public static class MarkdownText
{
    /// <summary>Where something is: an http(s) address as an autolink (<c>&lt;https://...&gt;</c>, which nothing inside can break), anything else as escaped text.</summary>
    public static string Place(string where) =>
        Uri.TryCreate(where, UriKind.Absolute, out var uri) && uri.Scheme is "http" or "https" && !where.Any(c => char.IsWhiteSpace(c) || c is '<' or '>')
            ? $"<{where}>"
            : Escape(where, 500);

    private const string ZeroWidthSpace = "&#8203;";

    public static string Escape(string? text, int maxLength = 200)
    {
        if (string.IsNullOrEmpty(text)) return "";
        if (text.Length > maxLength) text = text[..maxLength] + "…";
        var builder = new StringBuilder(text.Length + 16);
        for (int i = 0; i < text.Length; i++)
        {
            char c = text[i];
            switch (c)
            {
                case '\r': break;
                case '\n': builder.Append(' '); break;
                case '<': builder.Append("&lt;"); break;
                case '>': builder.Append("&gt;"); break;
                case '&': builder.Append("&amp;"); break;
                case '@' or '#':
                    builder.Append(c).Append(ZeroWidthSpace);
                    break;
                case ':' when text.AsSpan(i + 1).StartsWith("//"):
                    builder.Append(':').Append(ZeroWidthSpace);
                    break;
                case '|' or '\\' or '`' or '*' or '_' or '[' or ']' or '~':
                    builder.Append('\\').Append(c);
                    break;
                default:
                    builder.Append(char.IsControl(c) ? ' ' : c);
                    break;
            }
        }
        return builder.ToString();
    }
}
