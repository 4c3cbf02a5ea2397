using Gatekeeper.Reporting;

namespace Gatekeeper.Pipeline.Sinks;

/// <summary>The gate's report files in its output folder: <c>report.md</c> and <c>report.html</c>.</summary>
public sealed class ReportFilesSink : IGateSink
{
    public const string ReportFile = "report.md";
    public const string HtmlFile = "report.html";

    public string Name => "report";

    public void Publish(GateResult result) => Write(result.Report, Path.Combine(result.OutputDirectory, ReportFile), new ReportTemplates(result.Spec.Templates));

    /// <summary>
    /// <c>report.md</c> at <paramref name="path"/> and <c>report.html</c> beside it, rendered from a
    /// decided gate's model (also the <c>report</c> command); both rendered before either is written.
    /// </summary>
    public static string Write(ReportModel report, string path, ReportTemplates templates)
    {
        var markdown = ReportRenderer.RenderMarkdown(report, templates);
        var html = ReportRenderer.RenderHtml(report, templates);
        AtomicFile.WriteAllText(path, markdown);
        AtomicFile.WriteAllText(HtmlPath(path), html);
        return path;
    }

    /// <summary>Where the HTML report goes beside a markdown report: <c>report.md</c> → <c>report.html</c>.</summary>
    public static string HtmlPath(string markdownPath) => Path.ChangeExtension(markdownPath, ".html");
}
