using System.ComponentModel;
using Spectre.Console.Cli;

namespace Gatekeeper.Cli.Commands;

/// <summary>Options every command that runs a model shares.</summary>
public class CommonSettings : CommandSettings
{
    [CommandOption("--threads <N>")]
    [Description("CPU threads for torch. Default: the cores idle right now, at least 1")]
    public int? Threads { get; init; }

    /// <summary>
    /// Torch threads beyond the free cores collapse throughput (OpenMP oversubscription), so the
    /// default counts only the cores that are idle when the command starts.
    /// </summary>
    public void ApplyThreads() => TorchSharp.torch.set_num_threads(Threads ?? ThreadBudget.FreeCores());
}
