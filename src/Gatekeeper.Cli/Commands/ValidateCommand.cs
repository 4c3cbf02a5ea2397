using System.ComponentModel;
using Gatekeeper.Battery;
using Gatekeeper.Specs;
using Gatekeeper.Verdicts;
using Spectre.Console;
using Spectre.Console.Cli;

namespace Gatekeeper.Cli.Commands;

/// <summary>Checks a gate spec, its task files and every row of every data file it names (battery and training), without loading a model.</summary>
public sealed class ValidateCommand : Command<ValidateCommand.Settings>
{
    public sealed class Settings : CommandSettings
    {
        [CommandArgument(0, "<SPEC>")]
        [Description("Gate spec, e.g. gates/default.yaml")]
        public string Spec { get; init; } = "";

        [CommandOption("--power")]
        [Description("Also print, for each check against a margin, the smallest drop (or rise) beyond it that the battery detects with 80% power")]
        public bool Power { get; init; }
    }

    private readonly IAnsiConsole _console;

    public ValidateCommand(IAnsiConsole console) => _console = console;

    public override int Execute(CommandContext context, Settings settings, CancellationToken cancellation)
    {
        var spec = GateSpecLoader.Load(settings.Spec);
        // Every task's rows through its kind (fields, template, what the kind needs), every task's problem reported at once.
        var battery = new List<(TaskSpec Task, IReadOnlyList<TaskItem> Items)>();
        var problems = new List<InputProblem>();
        foreach (var task in spec.Battery)
        {
            try
            {
                battery.Add((task, TaskItemReader.Read(task)));
            }
            catch (BadInputException e)
            {
                problems.AddRange(e.Problems);
            }
        }
        // And every training row: the fine-tuning data with the spec's fields, the general data (replay, an EWC Fisher's) with the defaults.
        if (spec.Train is { } train)
        {
            var files = new List<(string Path, FieldMapping Fields)> { (train.Data, train.Fields) };
            if (train.Replay is { } replay) files.Add((replay.Data, new FieldMapping()));
            if (train.Ewc is { } ewc) files.AddRange(ewc.Chain.Select(c => (c.Data, new FieldMapping())).Prepend((ewc.FisherData, new FieldMapping())));
            foreach (var (path, fields) in files.Distinct())
            {
                try
                {
                    TrainingRows.Read(path, fields);
                }
                catch (BadInputException e)
                {
                    problems.AddRange(e.Problems);
                }
            }
        }
        if (problems.Count > 0) throw new BadInputException(problems);
        _console.MarkupLine($"[green]OK[/] {Markup.Escape(settings.Spec)}: gate '{Markup.Escape(spec.Name)}', {battery.Count} tasks, {battery.Sum(b => b.Item2.Count)} items.");
        // The spec is valid; these are margins its battery is too small to show.
        foreach (var warning in PolicyReview.Review(spec, battery))
            _console.MarkupLine($"  [yellow]warning[/] {Markup.Escape(warning)}");
        if (settings.Power)
            foreach (var line in PolicyReview.Power(spec, battery))
                _console.MarkupLine($"  power {Markup.Escape(line)}");
        return ExitCodes.Pass;
    }
}
