using System.Globalization;
using System.Text;
using System.Text.RegularExpressions;

namespace Gatekeeper.Torch.Tokenization.HuggingFace;

/// <summary>
/// Finds a pre-tokenizer pattern's matches the way Hugging Face's Oniguruma does, on code points.
/// .NET's regex sees UTF-16 units, so an emoji or a letter beyond the Basic Multilingual Plane would
/// be two surrogates that match no <c>\p{L}</c> and can be cut in half. The pattern runs instead
/// over a shadow of the text in which each such code point is one BMP character of the same
/// general category; match positions map back onto the original text.
/// </summary>
public sealed class PatternSplitter
{
    private readonly Regex _regex;

    public PatternSplitter(string pattern)
    {
        try
        {
            _regex = new Regex(pattern, RegexOptions.CultureInvariant, TimeSpan.FromSeconds(5));
        }
        catch (ArgumentException e)
        {
            throw new FormatException($"pattern /{pattern}/ is not a regular expression .NET can run ({e.Message})", e);
        }
    }

    /// <summary>The matches' (start, length) in <paramref name="text"/>, in order, in UTF-16 units of the original.</summary>
    public IEnumerable<(int Start, int Length)> Matches(string text)
    {
        var (shadow, origin) = Shadow(text);
        foreach (Match match in _regex.Matches(shadow))
        {
            if (match.Length == 0) continue;
            int start = origin[match.Index];
            int end = origin[match.Index + match.Length];
            yield return (start, end - start);
        }
    }

    /// <summary>
    /// The text with each supplementary code point replaced by one BMP character of its category,
    /// and for each shadow position (and the end) the position in the original text.
    /// </summary>
    private static (string Shadow, int[] Origin) Shadow(string text)
    {
        var shadow = new StringBuilder(text.Length);
        var origin = new List<int>(text.Length + 1);
        for (int i = 0; i < text.Length; i++)
        {
            origin.Add(i);
            if (char.IsHighSurrogate(text[i]) && i + 1 < text.Length && char.IsLowSurrogate(text[i + 1]))
            {
                shadow.Append(Representative(CharUnicodeInfo.GetUnicodeCategory(text, i)));
                i++;
            }
            else
            {
                shadow.Append(text[i]);
            }
        }
        origin.Add(text.Length);
        return (shadow.ToString(), [.. origin]);
    }

    // One non-ASCII BMP character per category, so no pattern's ASCII literals ('s, \r) can match it.
    private static char Representative(UnicodeCategory category) => category switch
    {
        UnicodeCategory.UppercaseLetter => '\u00C0',
        UnicodeCategory.LowercaseLetter => '\u00DF',
        UnicodeCategory.TitlecaseLetter => '\u01C5',
        UnicodeCategory.ModifierLetter => '\u02B0',
        UnicodeCategory.OtherLetter => '\u00AA',
        UnicodeCategory.NonSpacingMark => '\u0300',
        UnicodeCategory.SpacingCombiningMark => '\u0903',
        UnicodeCategory.EnclosingMark => '\u20DD',
        UnicodeCategory.DecimalDigitNumber => '\u0660',
        UnicodeCategory.LetterNumber => '\u2160',
        UnicodeCategory.OtherNumber => '\u00B2',
        UnicodeCategory.MathSymbol => '\u00B1',
        UnicodeCategory.CurrencySymbol => '\u00A4',
        UnicodeCategory.ModifierSymbol => '\u00A8',
        UnicodeCategory.ConnectorPunctuation => '\u203F',
        UnicodeCategory.DashPunctuation => '\u2010',
        UnicodeCategory.OpenPunctuation => '\u2045',
        UnicodeCategory.ClosePunctuation => '\u2046',
        UnicodeCategory.InitialQuotePunctuation => '\u00AB',
        UnicodeCategory.FinalQuotePunctuation => '\u00BB',
        UnicodeCategory.OtherPunctuation => '\u00A1',
        UnicodeCategory.SpaceSeparator => '\u2000',
        UnicodeCategory.Format => '\u200B',
        UnicodeCategory.PrivateUse => '\uE000',
        _ => '\u00A9',   // other symbols (emoji) and anything unassigned
    };
}
