using System.ComponentModel;
using Spectre.Console;
using Spectre.Console.Cli;

namespace Gatekeeper.Cli.Commands;

/// <summary>Options every command that runs a model shares.</summary>
public class CommonSettings : CommandSettings
{
    [CommandOption("--threads <N>")]
    [Description("CPU threads for torch. Default: evaluation on the cores idle right now; training on all the machine's cores, so that its result does not depend on the load")]
    public int? Threads { get; init; }

    /// <summary>
    /// Sets the evaluation's thread count. Torch threads beyond the free cores collapse throughput
    /// (OpenMP oversubscription), and evaluation gives the same results at any count, so the default
    /// counts only the cores idle when the command starts. Training sets its own, fixed count.
    /// </summary>
    public void ApplyThreads() => TorchSharp.torch.set_num_threads(Threads ?? ThreadBudget.FreeCores());

    /// <summary>The thread count training runs at: the one given, else the machine's cores.</summary>
    public int TrainingThreads => Threads ?? Gatekeeper.Torch.Compute.TorchThreads.TrainingDefault;

    public override ValidationResult Validate() => Threads < 1
        ? ValidationResult.Error($"--threads {Threads}: give at least 1 thread, or leave it out to use the idle cores.")
        : base.Validate();

    /// <summary>An error when a folder option names an existing file; null when every such option is usable.</summary>
    protected static ValidationResult? FolderError(params (string Option, string? Path)[] folders)
    {
        foreach (var (option, path) in folders)
        {
            if (path is not null && File.Exists(path))
                return ValidationResult.Error($"{option} {path} is a file; give a folder (it is created when missing).");
        }
        return null;
    }
}
