namespace Gatekeeper.Reporting;

/// <summary>The renderings of a report, each from its own template.</summary>
public enum ReportKind
{
    /// <summary><c>report.md</c>: the whole report.</summary>
    Report,

    /// <summary>The pull-request comment: the verdict and what decides it, pointing at the whole report.</summary>
    Comment,

    /// <summary>The CI job's summary page (<c>GITHUB_STEP_SUMMARY</c>).</summary>
    Summary,

    /// <summary><c>report.html</c>: the whole report as one self-contained page with its plots.</summary>
    Html,
}

/// <summary>
/// Where a report's templates come from: the defaults (<c>gates/templates/</c>, carried in the
/// program), each replaced by a file of the same name in a gate's own templates folder (the spec's
/// <c>templates:</c>).
/// </summary>
public sealed class ReportTemplates
{
    public static ReportTemplates Default { get; } = new(null);

    /// <param name="overrides">A folder whose templates replace the defaults of the same name; null: the defaults alone.</param>
    public ReportTemplates(string? overrides) => Overrides = overrides is null ? null : Path.GetFullPath(overrides);

    public string? Overrides { get; }

    /// <summary>The template file of a rendering: <c>report.md.scriban</c>, <c>comment.md.scriban</c>, <c>summary.md.scriban</c>.</summary>
    public static string FileName(ReportKind kind) => kind switch
    {
        ReportKind.Comment => "comment.md.scriban",
        ReportKind.Summary => "summary.md.scriban",
        ReportKind.Html => "report.html.scriban",
        _ => "report.md.scriban",
    };

    public static IReadOnlyList<string> FileNames { get; } = [.. Enum.GetValues<ReportKind>().Select(FileName)];

    /// <summary>What is wrong with the folder's templates: a file no rendering reads, or a template that does not parse (with its line).</summary>
    public IEnumerable<InputProblem> Problems()
    {
        if (Overrides is null || !Directory.Exists(Overrides)) yield break;
        foreach (var file in Directory.GetFiles(Overrides, "*.scriban").Order(StringComparer.Ordinal))
        {
            if (!FileNames.Contains(Path.GetFileName(file)))
            {
                yield return new InputProblem(file, null, $"no report is rendered from a template of this name; the names are {string.Join(", ", FileNames)}.");
                continue;
            }
            var parsed = Scriban.Template.Parse(File.ReadAllText(file), file);
            if (parsed.HasErrors && parsed.Messages.First() is var first)
                yield return new InputProblem(file, first.Span.Start.Line + 1, $"the template does not parse: {first.Message}");
        }
    }

    /// <summary>The template's text and where it came from (a file, or the default's name).</summary>
    public (string Text, string Source) Read(ReportKind kind)
    {
        var name = FileName(kind);
        if (Overrides is not null && Path.Combine(Overrides, name) is var own && File.Exists(own)) return (File.ReadAllText(own), own);
        var assembly = typeof(ReportTemplates).Assembly;
        using var stream = assembly.GetManifestResourceStream($"Gatekeeper.Reporting.Templates.{name}")
            ?? throw new InvalidOperationException($"The default template {name} is not in the program.");
        using var reader = new StreamReader(stream);
        return (reader.ReadToEnd(), $"gates/templates/{name}");
    }
}
