using Gatekeeper.Pipeline.Sinks;
using Gatekeeper.Reporting;
using Gatekeeper.Verdicts;

namespace Gatekeeper.Pipeline;

/// <summary>
/// What a gate run produced: the verdict, its report, where everything was written, where its
/// records are (<see cref="Records"/>: the MLflow run, or the spool that keeps it), and the sinks
/// that failed (which never change the verdict or the exit code).
/// </summary>
public sealed record GateRun(Verdict Verdict, ReportModel Report, string OutputDirectory, string ReportPath, string? Records, IReadOnlyList<SinkFailure> SinkFailures)
{
    public int ExitCode => Verdict.ExitCode;
}
