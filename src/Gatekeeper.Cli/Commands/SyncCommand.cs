using System.ComponentModel;
using Gatekeeper.Integrations.MLflow;
using Gatekeeper.Integrations.MLflow.Spool;
using Gatekeeper.Pipeline;
using Spectre.Console;
using Spectre.Console.Cli;

namespace Gatekeeper.Cli.Commands;

/// <summary>
/// Sends the MLflow records gates kept while their store was unreachable: each spool to the store
/// it was for, credentials from the environment. Sending a spool twice makes nothing twice.
/// </summary>
public sealed class SyncCommand : AsyncCommand<SyncCommand.Settings>
{
    public sealed class Settings : CommandSettings
    {
        [CommandOption("--spool <DIR>")]
        [Description("The spool the gates wrote. Default: .gatekeeper/spool")]
        [DefaultValue(GateRunOptions.DefaultSpoolDirectory)]
        public string Spool { get; init; } = GateRunOptions.DefaultSpoolDirectory;
    }

    private readonly IAnsiConsole _console;

    public SyncCommand(IAnsiConsole console) => _console = console;

    public override async Task<int> ExecuteAsync(CommandContext context, Settings settings, CancellationToken cancellation)
    {
        var root = Path.GetFullPath(settings.Spool);
        if (MlflowSpool.Folders(root).Count == 0)
        {
            _console.MarkupLine($"Nothing to send: no spooled records in {Markup.Escape(root)}.");
            return ExitCodes.Pass;
        }
        // The spool names its store; the environment gives the credentials for it.
        var credentials = MlflowTrackingUri.Resolve(Environment.GetEnvironmentVariable, null);
        var outcomes = await MlflowSync.SendAllAsync(root, target => MlflowStores.Open(
            target.StartsWith("http://", StringComparison.Ordinal) || target.StartsWith("https://", StringComparison.Ordinal)
                ? credentials with { Kind = MlflowStoreKind.Rest, Location = target }
                : MlflowTrackingUri.FileStore(target)), cancellation);
        foreach (var outcome in outcomes)
        {
            var folder = Markup.Escape(Path.GetFileName(outcome.Folder));
            if (outcome.Sent is { } sent) _console.MarkupLine($"[green]sent[/] {folder}: {sent} records to {Markup.Escape(outcome.Target)}; the spool is removed.");
            else if (outcome.InUse) _console.MarkupLine($"[grey]skipped[/] {folder}: a running gate (or another sync) holds it.");
            else _console.MarkupLine($"[red]kept[/] {folder}: {Markup.Escape(outcome.Failure!)}");
        }
        int failed = outcomes.Count(o => o.Failure is not null);
        _console.MarkupLine($"{outcomes.Count(o => o.Sent is not null)} sent, {failed} kept, {outcomes.Count(o => o.InUse)} in use.");
        return failed > 0 ? ExitCodes.Infrastructure : ExitCodes.Pass;
    }
}
