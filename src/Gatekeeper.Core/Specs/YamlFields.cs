using System.Globalization;
using YamlDotNet.RepresentationModel;

namespace Gatekeeper.Specs;

/// <summary>
/// Reads one YAML mapping field by field, collecting every problem with its line instead of stopping
/// at the first, and flagging keys it does not know (usually a typo).
/// </summary>
public sealed class YamlFields
{
    private readonly YamlMappingNode _node;
    private readonly HashSet<string> _read = [];

    public YamlFields(string file, YamlMappingNode node, List<InputProblem> problems, string where)
    {
        File = file;
        _node = node;
        Problems = problems;
        Where = where;
    }

    /// <summary>Names the mapping in messages: "gate", "battery[2]", "policy".</summary>
    public string Where { get; }

    public string File { get; }

    /// <summary>The problems collected so far, shared by every reader of the same file.</summary>
    public List<InputProblem> Problems { get; }

    public int Line => Line0(_node);

    public static int Line0(YamlNode node) => (int)node.Start.Line;

    public YamlNode? Node(string key)
    {
        _read.Add(key);
        return _node.Children.TryGetValue(new YamlScalarNode(key), out var value) ? value : null;
    }

    public void Problem(YamlNode? at, string message) => Problems.Add(new InputProblem(File, at is null ? Line : Line0(at), message));

    public string? String(string key, bool required = false)
    {
        var node = Node(key);
        if (node is null)
        {
            if (required) Problem(null, $"{Where}: '{key}' is required.");
            return null;
        }
        if (node is YamlScalarNode scalar && scalar.Value is { Length: > 0 } value) return value;
        Problem(node, $"{Where}: '{key}' must be a non-empty text value.");
        return null;
    }

    /// <summary>
    /// A name that becomes a folder, a file name and part of MLflow keys: letters, digits, '.', '_'
    /// and '-', starting with a letter or digit, so it can never reach outside its folder.
    /// </summary>
    public string? Name(string key)
    {
        var value = String(key, required: true);
        if (value is null) return null;
        if (value.All(c => char.IsAsciiLetterOrDigit(c) || c is '.' or '_' or '-') && char.IsAsciiLetterOrDigit(value[0])) return value;
        Problem(Node(key), $"{Where}: '{key}' is '{value}'; use letters, digits, '.', '_' and '-', starting with a letter or digit (it names folders and MLflow keys).");
        return null;
    }

    public double? Number(string key, double min = double.MinValue, double max = double.MaxValue)
    {
        var text = String(key);
        if (text is null) return null;
        if (!double.TryParse(text, NumberStyles.Float, CultureInfo.InvariantCulture, out var value) || value < min || value > max)
        {
            Problem(Node(key), $"{Where}: '{key}' must be a number from {Format(min)} to {Format(max)}, not '{text}'.");
            return null;
        }
        return value;
    }

    public bool? Boolean(string key)
    {
        var text = String(key);
        if (text is null) return null;
        if (text is "true" or "false") return text == "true";
        Problem(Node(key), $"{Where}: '{key}' must be true or false, not '{text}'.");
        return null;
    }

    public int? Integer(string key, int min = int.MinValue, int max = int.MaxValue)
    {
        var text = String(key);
        if (text is null) return null;
        if (!int.TryParse(text, NumberStyles.Integer, CultureInfo.InvariantCulture, out var value) || value < min || value > max)
        {
            Problem(Node(key), $"{Where}: '{key}' must be a whole number from {min} to {max}, not '{text}'.");
            return null;
        }
        return value;
    }

    /// <summary>Reads a value from a closed vocabulary; names are lower case with underscores.</summary>
    public T? Choice<T>(string key, bool required = false) where T : struct, Enum
    {
        var text = String(key, required);
        if (text is null) return null;
        var names = Enum.GetNames<T>().Select(SnakeCase).ToList();
        int index = names.IndexOf(text);
        if (index < 0)
        {
            Problem(Node(key), $"{Where}: '{key}' is '{text}'; use one of: {string.Join(", ", names)}.");
            return null;
        }
        return Enum.GetValues<T>()[index];
    }

    public IReadOnlyList<string>? Strings(string key)
    {
        var node = Node(key);
        if (node is null) return null;
        if (node is YamlSequenceNode sequence && sequence.Children.All(c => c is YamlScalarNode))
            return sequence.Children.Cast<YamlScalarNode>().Select(s => s.Value ?? "").ToList();
        Problem(node, $"{Where}: '{key}' must be a list of text values.");
        return null;
    }

    public YamlFields? Mapping(string key, bool required = false)
    {
        var node = Node(key);
        if (node is null)
        {
            if (required) Problem(null, $"{Where}: '{key}' is required.");
            return null;
        }
        if (node is YamlMappingNode mapping) return new YamlFields(File, mapping, Problems, $"{Where}.{key}");
        Problem(node, $"{Where}: '{key}' must be a mapping of keys to values.");
        return null;
    }

    public IEnumerable<(string Key, YamlFields Fields)> Mappings()
    {
        foreach (var (key, value) in _node.Children)
        {
            var name = ((YamlScalarNode)key).Value ?? "";
            _read.Add(name);
            if (value is YamlMappingNode mapping) yield return (name, new YamlFields(File, mapping, Problems, $"{Where}.{name}"));
            else Problem(value, $"{Where}: '{name}' must be a mapping of keys to values.");
        }
    }

    /// <summary>
    /// Reports every key that was never asked for, with the known key it most likely misspells; call
    /// after reading all known keys.
    /// </summary>
    public void RejectUnknownKeys()
    {
        foreach (var key in _node.Children.Keys.OfType<YamlScalarNode>())
        {
            var name = key.Value ?? "";
            if (_read.Contains(name)) continue;
            var guess = _read.Select(known => (Known: known, Distance: EditDistance(name, known)))
                .Where(k => k.Distance <= Math.Max(1, Math.Min(3, k.Known.Length / 3)))
                .OrderBy(k => k.Distance).ThenBy(k => k.Known, StringComparer.Ordinal).Select(k => k.Known).FirstOrDefault();
            Problem(key, guess is not null
                ? $"{Where}: unknown key '{name}'. Did you mean '{guess}'?"
                : $"{Where}: unknown key '{name}'. Check its spelling; known keys are listed in README.md (Gate specs).");
        }
    }

    /// <summary>Levenshtein distance: insertions, deletions and substitutions.</summary>
    private static int EditDistance(string a, string b)
    {
        var previous = Enumerable.Range(0, b.Length + 1).ToArray();
        for (int i = 1; i <= a.Length; i++)
        {
            var current = new int[b.Length + 1];
            current[0] = i;
            for (int j = 1; j <= b.Length; j++)
                current[j] = Math.Min(Math.Min(current[j - 1] + 1, previous[j] + 1), previous[j - 1] + (a[i - 1] == b[j - 1] ? 0 : 1));
            previous = current;
        }
        return previous[b.Length];
    }

    /// <summary>A path resolved against <paramref name="folder"/> that must exist; a problem (and null) when it does not.</summary>
    public string? ExistingPath(string key, string folder, bool required, bool directory)
    {
        var value = String(key, required);
        if (value is null) return null;
        var full = Path.GetFullPath(Path.Combine(folder, value));
        bool exists = directory ? Directory.Exists(full) : System.IO.File.Exists(full);
        if (!exists)
        {
            Problem(Node(key), $"{Where}: '{key}' points to {full}, which does not exist. Paths are relative to the spec file's folder.");
            return null;
        }
        return full;
    }

    public static string SnakeCase(string name) =>
        string.Concat(name.Select((c, i) => char.IsUpper(c) ? (i > 0 ? "_" : "") + char.ToLowerInvariant(c) : c.ToString()));

    private static string Format(double value) =>
        value is double.MinValue or double.MaxValue ? (value < 0 ? "-inf" : "inf") : value.ToString(CultureInfo.InvariantCulture);
}
