using Gatekeeper.Reporting;

namespace Gatekeeper.Pipeline.Sinks;

/// <summary>The gate's report files in its output folder: <c>report.md</c>.</summary>
public sealed class ReportFilesSink : IGateSink
{
    public const string ReportFile = "report.md";

    public string Name => "report";

    public void Publish(GateResult result) => Write(result.Report, Path.Combine(result.OutputDirectory, ReportFile), new ReportTemplates(result.Spec.Templates));

    /// <summary><c>report.md</c> rendered from a decided gate's model (also the <c>report</c> command).</summary>
    public static string Write(ReportModel report, string path, ReportTemplates templates)
    {
        AtomicFile.WriteAllText(path, ReportRenderer.RenderMarkdown(report, templates));
        return path;
    }
}
