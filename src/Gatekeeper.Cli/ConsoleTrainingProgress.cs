using Gatekeeper.Torch.Training;
using Spectre.Console;

namespace Gatekeeper.Cli;

/// <summary>Prints a training progress line every few steps; plain lines work in CI logs too.</summary>
internal sealed class ConsoleTrainingProgress : IProgress<TrainingProgress>
{
    private readonly IAnsiConsole _console;
    private readonly string _label;

    public ConsoleTrainingProgress(IAnsiConsole console, string label)
    {
        _console = console;
        _label = label;
    }

    public void Report(TrainingProgress value) =>
        _console.MarkupLine($"[grey]{_label}[/] step {value.Step}/{value.TotalSteps}  loss {value.Loss:F4}  lr {value.LearningRate:G3}  {value.TokensPerSecond:F0} tok/s");
}
