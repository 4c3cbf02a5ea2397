using System.Text;

namespace Gatekeeper.Reporting;

/// <summary>
/// Makes text from datasets and model outputs safe inside markdown tables and GitHub comments: no
/// HTML, no table breaks, no emphasis, mentions or links it did not mean.
/// </summary>
public static class MarkdownText
{
    public static string Escape(string? text, int maxLength = 200)
    {
        if (string.IsNullOrEmpty(text)) return "";
        if (text.Length > maxLength) text = text[..maxLength] + "…";
        var builder = new StringBuilder(text.Length + 16);
        foreach (char c in text)
        {
            switch (c)
            {
                case '\r': break;
                case '\n': builder.Append(' '); break;
                case '<': builder.Append("&lt;"); break;
                case '>': builder.Append("&gt;"); break;
                case '&': builder.Append("&amp;"); break;
                case '|' or '\\' or '`' or '*' or '_' or '[' or ']' or '#' or '@' or '~':
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
