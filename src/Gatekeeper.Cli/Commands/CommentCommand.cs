using System.ComponentModel;
using System.Text;
using Gatekeeper.Integrations.GitHub;
using Gatekeeper.Pipeline.Sinks;
using Gatekeeper.Reporting;
using Spectre.Console;
using Spectre.Console.Cli;

namespace Gatekeeper.Cli.Commands;

/// <summary>
/// Publishes a decided gate to GitHub from its gate-result.json, as 'run --github' does: the sticky
/// pull-request comment, the check and the job summary. --dry-run writes what would be posted.
/// </summary>
public sealed class CommentCommand : AsyncCommand<CommentCommand.Settings>
{
    public sealed class Settings : CommandSettings
    {
        [CommandArgument(0, "<GATE_RESULT>")]
        [Description("The gate-result.json that 'decide' or 'run' wrote")]
        public string GateResult { get; init; } = "";

        [CommandOption("--dry-run")]
        [Description("Post nothing: write the comment and the check's summary that would be posted")]
        public bool DryRun { get; init; }

        [CommandOption("-o|--output <FILE>")]
        [Description("With --dry-run, write there instead of to the terminal")]
        public string? Output { get; init; }

        [CommandOption("--templates <DIR>")]
        [Description("A folder of report templates, each replacing the default of its name (as a spec's templates: does)")]
        public string? Templates { get; init; }
    }

    private readonly IAnsiConsole _console;

    public CommentCommand(IAnsiConsole console) => _console = console;

    public override async Task<int> ExecuteAsync(CommandContext context, Settings settings, CancellationToken cancellation)
    {
        var report = GateResultFile.Read(settings.GateResult);
        var templates = ReportCommand.TemplatesOption(settings.Templates);
        var github = GitHubSettings.FromEnvironment(Environment.GetEnvironmentVariable);
        if (settings.DryRun)
        {
            var text = new StringBuilder();
            void Write(string what, string body) => text.Append("<!-- would post: ").Append(what).Append(" -->\n").Append(body).Append('\n');
            GitHubPublication.DryRun(report, templates, github?.Job, Write);
            if (settings.Output is { } path)
            {
                AtomicFile.WriteAllText(path, text.ToString());
                _console.MarkupLine($"What would be posted: [link]{Markup.Escape(Path.GetFullPath(path))}[/]");
            }
            else
            {
                _console.Profile.Out.Writer.Write(text.ToString());
            }
            return ExitCodes.Pass;
        }
        if (github is null)
            throw new BadInputException("comment", null, "this is not a GitHub Actions job (GITHUB_ACTIONS and GITHUB_REPOSITORY are unset), so there is nowhere to post; use --dry-run to see what would be posted.");
        foreach (var line in await GitHubPublication.Publish(report, templates, github, cancellation)) _console.MarkupLine(Markup.Escape(line));
        return ExitCodes.Pass;
    }
}
