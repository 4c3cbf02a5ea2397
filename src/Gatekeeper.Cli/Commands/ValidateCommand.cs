using System.ComponentModel;
using Gatekeeper.Battery;
using Gatekeeper.Specs;
using Spectre.Console;
using Spectre.Console.Cli;

namespace Gatekeeper.Cli.Commands;

/// <summary>Checks a gate spec and every data file it names, without loading a model.</summary>
public sealed class ValidateCommand : Command<ValidateCommand.Settings>
{
    public sealed class Settings : CommandSettings
    {
        [CommandArgument(0, "<SPEC>")]
        [Description("Gate spec, e.g. gates/default.yaml")]
        public string Spec { get; init; } = "";
    }

    private readonly IAnsiConsole _console;

    public ValidateCommand(IAnsiConsole console) => _console = console;

    public override int Execute(CommandContext context, Settings settings, CancellationToken cancellation)
    {
        var spec = GateSpecLoader.Load(settings.Spec);
        int items = spec.Battery.Sum(task => TaskItemReader.Read(task).Count);
        _console.MarkupLine($"[green]OK[/] {Markup.Escape(settings.Spec)}: gate '{Markup.Escape(spec.Name)}', {spec.Battery.Count} tasks, {items} items.");
        return ExitCodes.Pass;
    }
}
