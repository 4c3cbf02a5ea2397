using Gatekeeper.Reporting;
using Gatekeeper.Verdicts;

namespace Gatekeeper.Pipeline;

/// <summary>What a gate run produced: the verdict, its report, and where everything was written.</summary>
public sealed record GateRun(Verdict Verdict, ReportModel Report, string OutputDirectory, string ReportPath, string? MlflowRunId)
{
    public int ExitCode => Verdict.ExitCode;
}
