using Gatekeeper.Cli.Commands;
using Spectre.Console;
using System.Runtime.InteropServices;
using Spectre.Console.Cli;

namespace Gatekeeper.Cli;

/// <summary>
/// The command-line program: one command per stage of the gate. Bad input and infrastructure
/// failures become messages and distinct exit codes here, never stack traces.
/// </summary>
public static class GatekeeperApp
{
    /// <summary>Runs one command; <paramref name="cancellation"/> stops it at its next step or item (Ctrl-C, a CI runner's SIGTERM).</summary>
    public static async Task<int> RunAsync(string[] args, IAnsiConsole? console = null, CancellationToken cancellation = default)
    {
        if (console is null)
        {
            console = AnsiConsole.Console;
            // CI logs are not terminals; give tables room instead of the 80-column fallback.
            if (Console.IsOutputRedirected) console.Profile.Width = 160;
        }
        var app = new CommandApp(new SingletonRegistrar(console));
        app.Configure(config =>
        {
            config.SetApplicationName("gatekeeper");
            // "1.0.0+<commit>": the version and the commit it was built from.
            config.SetApplicationVersion(BuildInfo.Version);
            config.Settings.Console = console;
            config.Settings.MaximumIndirectExamples = 100;   // --help shows every command's example
            config.PropagateExceptions();
            config.AddCommand<RunCommand>("run").WithDescription("Run a gate end to end: train or take a candidate, evaluate, decide, report, record.")
                .WithExample("run", "gates/default.yaml");
            config.AddCommand<TrainCommand>("train").WithDescription("Train the spec's candidate from its base (or run its training command) into <output>/candidate.")
                .WithExample("train", "gates/default.yaml");
            config.AddCommand<EvalCommand>("eval").WithDescription("Evaluate one model on (a shard of) a gate's battery and write its per-item outcomes.")
                .WithExample("eval", "gates/default.yaml", "--model", "gates/base", "--shard", "1/2");
            config.AddCommand<MergeCommand>("merge").WithDescription("Combine the shards 'eval' wrote into the one evaluation 'decide' reads.")
                .WithExample("merge", "gates/default.yaml", "out/default/eval-1-of-2", "out/default/eval-2-of-2", "-o", "out/default/eval-base");
            config.AddCommand<DecideCommand>("decide").WithDescription("Decide the gate from the base's and candidate's evaluations; write outcomes, gate-result.json, report and records. Exits as the gate does.")
                .WithExample("decide", "gates/default.yaml", "--base", "out/default/eval-base", "--candidate", "out/default/eval-candidate", "--candidate-model", "out/default/candidate");
            config.AddCommand<ReportCommand>("report").WithDescription("Render the report of a decided gate from its gate-result.json.")
                .WithExample("report", "out/default/gate-result.json");
            config.AddCommand<CommentCommand>("comment").WithDescription("Publish a decided gate to GitHub from its gate-result.json: the sticky PR comment, the check, the job summary; --dry-run writes what would be posted.")
                .WithExample("comment", "out/default/gate-result.json", "--dry-run");
            config.AddCommand<SyncCommand>("sync").WithDescription("Send the MLflow records gates kept while their tracking server was unreachable; sending twice makes nothing twice.")
                .WithExample("sync");
            config.AddCommand<HistoryCommand>("history").WithDescription("Show a gate's last runs from its MLflow records: each verdict and each check's change; --json for the report's plots.")
                .WithExample("history", "gates/default.yaml", "--last", "5");
            config.AddCommand<ValidateCommand>("validate").WithDescription("Check a gate spec and its data files without running a model.")
                .WithExample("validate", "gates/default.yaml", "--power");
            config.AddCommand<SweepCommand>("sweep").WithDescription("Train every mitigation method on a gate's data, gate each, and write the trade-off table and plot.")
                .WithExample("sweep", "gates/gentle.yaml");
            config.AddCommand<InspectCommand>("inspect").WithDescription("Load a checkpoint folder as a gate would and say what it is.")
                .WithExample("inspect", "gates/base");
            config.AddCommand<PretrainCommand>("pretrain").WithDescription("Pretrain the embedded base from a seed and write the default gates' data.")
                .WithExample("pretrain", "--data-only");
        });
        try
        {
            return await app.RunAsync(args, cancellation);
        }
        catch (BadInputException e)
        {
            console.MarkupLine("[red]Bad input:[/]");
            foreach (var problem in e.Problems) console.MarkupLine($"  {Markup.Escape(problem.ToString())}");
            return ExitCodes.BadInput;
        }
        catch (InvalidDataException e)
        {
            console.MarkupLine($"[red]Bad input:[/] {Markup.Escape(e.Message)}");
            return ExitCodes.BadInput;
        }
        catch (CommandAppException e)
        {
            console.MarkupLine($"[red]Bad arguments:[/] {Markup.Escape(e.Message)}");
            return ExitCodes.BadInput;
        }
        catch (OperationCanceledException)
        {
            console.MarkupLine("[yellow]Cancelled:[/] stopped before finishing; what was written before the stop is left as it was.");
            return ExitCodes.Infrastructure;
        }
        catch (Exception e) when (e is InfrastructureException or IOException or UnauthorizedAccessException or OutOfMemoryException or ExternalException)
        {
            console.MarkupLine($"[red]Infrastructure failure:[/] {Markup.Escape(e.Message)}");
            return ExitCodes.Infrastructure;
        }
    }
}
