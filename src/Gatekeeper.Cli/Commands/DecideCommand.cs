using System.ComponentModel;
using Gatekeeper.Pipeline;
using Gatekeeper.Specs;
using Spectre.Console;
using Spectre.Console.Cli;

namespace Gatekeeper.Cli.Commands;

/// <summary>
/// The decide stage alone: the verdict from the base's and the candidate's evaluations ('eval' or
/// 'merge' wrote them), with the report and MLflow records a 'run' writes. Its exit code is the gate's.
/// </summary>
public sealed class DecideCommand : Command<DecideCommand.Settings>
{
    public sealed class Settings : GateSettings
    {
        [CommandArgument(0, "<SPEC>")]
        [Description("Gate spec whose policy decides")]
        public string Spec { get; init; } = "";

        [CommandOption("--base <DIR>")]
        [Description("The base's evaluation folder (outcomes.jsonl, shard.json). Default: <output>/eval-base")]
        public string? Base { get; init; }

        [CommandOption("--candidate <DIR>")]
        [Description("The candidate's evaluation folder. Default: <output>/eval-candidate")]
        public string? Candidate { get; init; }

        [CommandOption("--base-model <DIR>")]
        [Description("The base checkpoint, loaded only when drift tasks or a parameter-distance ceiling compare the models directly. Default: the spec's base")]
        public string? BaseModel { get; init; }

        [CommandOption("--candidate-model <DIR>")]
        [Description("The candidate checkpoint, loaded only when needed as --base-model is. Default: the spec's candidate, else <output>/candidate")]
        public string? CandidateModel { get; init; }

        [CommandOption("--training <FILE>")]
        [Description("The candidate's training.json, for the report's and MLflow's training figures. Default: training.json in the candidate's folder, when the spec trains")]
        public string? Training { get; init; }

        [CommandOption("-o|--output <DIR>")]
        [Description("Folder for the outcome files, gate-result.json and report.md. Default: out/<gate name>")]
        public string? Output { get; init; }

        public override ValidationResult Validate() => FolderError(("--output", Output)) ?? base.Validate();
    }

    private readonly IAnsiConsole _console;

    public DecideCommand(IAnsiConsole console) => _console = console;

    public override int Execute(CommandContext context, Settings settings, CancellationToken cancellation)
    {
        settings.ApplyThreads();
        var spec = settings.LoadSpec(settings.Spec);
        var output = Path.GetFullPath(settings.Output ?? Path.Combine("out", spec.Name));
        var candidateModel = settings.CandidateModel ?? spec.Candidate ?? TrainStage.CandidateFolder(output);
        (string, string)? models = DecideStage.NeedsModels(spec).Count > 0 || settings.BaseModel is not null || settings.CandidateModel is not null
            ? (settings.BaseModel ?? spec.Base, candidateModel)
            : null;
        var trainedRecord = Path.Combine(candidateModel, TrainedCandidate.ResultFile);
        var training = settings.Training ?? (spec.Train is not null && File.Exists(trainedRecord) ? trainedRecord : null);
        var options = settings.RunOptions(output);
        var run = GateRunner.Decide(spec, settings.Base ?? Path.Combine(output, GateRunner.BaseEvaluationFolder),
            settings.Candidate ?? Path.Combine(output, GateRunner.CandidateEvaluationFolder), models, training,
            options, new ConsoleGateObserver(_console), cancellation);
        VerdictTable.Write(_console, run, options.Tracking);
        return run.ExitCode;
    }
}
