using Gatekeeper.Battery;
using Gatekeeper.Reporting;
using Gatekeeper.Specs;
using Gatekeeper.Verdicts;

namespace Gatekeeper.Pipeline.Sinks;

/// <summary>
/// A decided gate, whole and immutable, as every sink receives it: the spec, the report model (the
/// verdict, the models, the training), both models' outcomes (drift included), each stage with its
/// real start and end (the training's loss curve with the time of each point), and what the gate
/// ran on.
/// </summary>
public sealed record GateResult
{
    public required GateSpec Spec { get; init; }
    public required ReportModel Report { get; init; }
    public required BatteryResult Base { get; init; }
    public required BatteryResult Candidate { get; init; }
    public required IReadOnlyList<StageRecord> Stages { get; init; }

    /// <summary>The gate's output folder: candidate, evaluations, outcome files.</summary>
    public required string OutputDirectory { get; init; }

    public required DateTimeOffset Started { get; init; }
    public required DateTimeOffset Ended { get; init; }

    /// <summary>The process's peak resident memory at the end, in bytes; null where the platform does not say.</summary>
    public long? PeakMemoryBytes { get; init; }

    public Verdict Verdict => Report.Verdict;

    /// <summary>The outcome files the decide stage wrote, by role.</summary>
    public string OutcomesFile(string role) => Path.Combine(OutputDirectory, role == "base" ? DecidedGate.BaseOutcomesFile : DecidedGate.CandidateOutcomesFile);
}

/// <summary>A sink that failed, and why; the verdict stands.</summary>
public sealed record SinkFailure(string Sink, string Message);
