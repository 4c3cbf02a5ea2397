namespace Gatekeeper.Specs;

/// <summary>
/// A candidate trained by a command of the team's own (<c>torchrun</c>, <c>accelerate launch</c>, a
/// script that submits to a cluster), for training that outgrows one machine. The command gets the
/// base, the data and an output folder, as <c>{base}</c>, <c>{data}</c>, <c>{replay}</c> and
/// <c>{output}</c> in its arguments and as <c>GATEKEEPER_*</c> environment variables, and writes a
/// checkpoint folder or a PEFT adapter folder into the output; that is then gated like any candidate.
/// </summary>
public sealed record TrainCommandSpec
{
    /// <summary>Program and arguments (no shell), or <c>/bin/sh -c</c> and the text when given as one string.</summary>
    public required IReadOnlyList<string> Command { get; init; }

    /// <summary>Absolute path of the fine-tuning data.</summary>
    public required string Data { get; init; }

    /// <summary>Absolute path of general data to mix in, if any.</summary>
    public string? Replay { get; init; }

    /// <summary>The command is stopped, and the gate fails as infrastructure, after this many minutes. Default 120.</summary>
    public double TimeoutMinutes { get; init; } = 120;
}
