using Gatekeeper.Pipeline;
using Gatekeeper.Torch.Evaluation;
using Gatekeeper.Torch.Training;
using Spectre.Console;

namespace Gatekeeper.Cli;

/// <summary>Prints a gate's progress as plain lines, readable live and in CI logs alike.</summary>
internal sealed class ConsoleGateObserver : IGateObserver
{
    private readonly IAnsiConsole _console;
    private readonly ConsoleTrainingProgress _training;

    public ConsoleGateObserver(IAnsiConsole console)
    {
        _console = console;
        _training = new ConsoleTrainingProgress(console, "train");
    }

    public void Stage(string message) => _console.MarkupLine($"[bold blue]>[/] {Markup.Escape(message)}");

    public void Training(TrainingProgress progress) => _training.Report(progress);

    public void Evaluation(EvaluationProgress p)
    {
        if (p.TaskDone == p.TaskTotal || p.TaskDone % 100 == 0)
            _console.MarkupLine($"[grey]evaluate {p.Model}[/] {Markup.Escape(p.Task)} {p.TaskDone}/{p.TaskTotal}  (battery {p.Done}/{p.Total}, " +
                $"{p.ItemsPerSecond.ToString("F1", System.Globalization.CultureInfo.InvariantCulture)} items/s{(p.Remaining is { } left && p.Done < p.Total ? $", {Duration(left)} left" : "")})");
    }

    /// <summary>"45 s", "3 min 05 s", "1 h 02 min".</summary>
    private static string Duration(TimeSpan t) => t.TotalMinutes < 1 ? $"{t.TotalSeconds:F0} s"
        : t.TotalHours < 1 ? $"{(int)t.TotalMinutes} min {t.Seconds:D2} s"
        : $"{(int)t.TotalHours} h {t.Minutes:D2} min";
}
