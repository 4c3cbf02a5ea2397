using System.ComponentModel;
using Gatekeeper.Pipeline;
using Gatekeeper.Reporting;
using Spectre.Console;
using Spectre.Console.Cli;

namespace Gatekeeper.Cli.Commands;

/// <summary>The report stage alone: renders a decided gate's report from its gate-result.json.</summary>
public sealed class ReportCommand : Command<ReportCommand.Settings>
{
    /// <summary>The templates a --templates folder gives (the defaults without one), checked as a spec's templates: are.</summary>
    internal static ReportTemplates TemplatesOption(string? folder)
    {
        if (folder is not null && !Directory.Exists(folder))
            throw new BadInputException("--templates", null, $"'{folder}' is not a folder; give the folder that holds report.md.scriban and the others.");
        var templates = new ReportTemplates(folder);
        if (templates.Problems().ToList() is { Count: > 0 } problems) throw new BadInputException(problems);
        return templates;
    }

    public sealed class Settings : CommandSettings
    {
        [CommandArgument(0, "<GATE_RESULT>")]
        [Description("The gate-result.json that 'decide' or 'run' wrote")]
        public string GateResult { get; init; } = "";

        [CommandOption("-o|--output <FILE>")]
        [Description("Where the Markdown report goes. Default: report.md beside the gate result")]
        public string? Output { get; init; }

        [CommandOption("--templates <DIR>")]
        [Description("A folder of report templates, each replacing the default of its name (as a spec's templates: does)")]
        public string? Templates { get; init; }

        public override ValidationResult Validate() =>
            Output is not null && Directory.Exists(Output) ? ValidationResult.Error($"--output {Output} is a folder; give the report's file name.") : base.Validate();
    }

    private readonly IAnsiConsole _console;

    public ReportCommand(IAnsiConsole console) => _console = console;

    public override int Execute(CommandContext context, Settings settings, CancellationToken cancellation)
    {
        var report = GateResultFile.Read(settings.GateResult);
        var output = Path.GetFullPath(settings.Output ?? Path.Combine(Path.GetDirectoryName(Path.GetFullPath(settings.GateResult))!, GateRunner.ReportFile));
        Directory.CreateDirectory(Path.GetDirectoryName(output)!);
        var templates = TemplatesOption(settings.Templates);
        Gatekeeper.Pipeline.Sinks.ReportFilesSink.Write(report, output, templates);
        _console.MarkupLine($"{Markup.Escape(report.Verdict.Headline)}. Report: [link]{Markup.Escape(output)}[/] and [link]{Markup.Escape(Gatekeeper.Pipeline.Sinks.ReportFilesSink.HtmlPath(output))}[/]");
        return ExitCodes.Pass;
    }
}
