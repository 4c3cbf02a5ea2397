using System.Text;

namespace Gatekeeper.Integrations.MLflow;

/// <summary>
/// MLflow's rules for keys and values: keys of at most 250 letters, digits and <c>_ - . space /</c>,
/// no <c>..</c> and no leading slash; params at most 6000 characters and tags 5000 (the stricter of
/// the 2.x and 3.x limits). Values beyond are cut with a visible mark rather than silently.
/// </summary>
public static class MlflowKeys
{
    public const int MaxKeyLength = 250;
    public const int MaxParamLength = 6000;
    public const int MaxTagLength = 5000;

    /// <summary>Replaces characters MLflow rejects with '_' and removes path tricks.</summary>
    public static string Sanitize(string key)
    {
        var builder = new StringBuilder(key.Length);
        foreach (char c in key)
            builder.Append(char.IsAsciiLetterOrDigit(c) || c is '_' or '-' or '.' or ' ' or '/' ? c : '_');
        // Path segments "." and ".." would leave the run's folder; empty segments are dropped.
        var segments = builder.ToString().Split('/', StringSplitOptions.RemoveEmptyEntries)
            .Select(s => s is "." or ".." ? "_" : s);
        var clean = string.Join('/', segments);
        if (clean.Length == 0) clean = "_";
        return clean.Length > MaxKeyLength ? clean[..MaxKeyLength] : clean;
    }

    public static string Cut(string value, int max) => value.Length <= max ? value : value[..(max - 12)] + "…[truncated]";
}
