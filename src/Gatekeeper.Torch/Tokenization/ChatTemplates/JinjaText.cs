namespace Gatekeeper.Torch.Tokenization.ChatTemplates;

/// <summary>Jinja's string helpers as templates use them.</summary>
internal static class JinjaText
{
    /// <summary><c>| trim</c> and Python's <c>str.strip()</c>: whitespace off both ends.</summary>
    public static string Trim(string text) => text.Trim();
}
