using System.Text.Json.Nodes;

namespace Gatekeeper.Cli.Tests.Commands;

/// <summary>The stage commands read and write the files 'run' does: run one after another, sharded or not, they reach run's outcomes and verdict.</summary>
public sealed class StageCommandTests : IDisposable
{
    private readonly GateWorkspace _workspace = new();

    public void Dispose() => _workspace.Dispose();

    private async Task<string> Stage(int expectedExit, params string[] args)
    {
        var (exit, output) = await Cli.Run([.. args, "--threads", "1"]);
        Assert.True(exit == expectedExit, $"exit {exit}, expected {expectedExit}:\n{output}");
        return output;
    }

    private string P(string relative) => _workspace.Path_(relative);

    private string Text(string relative) => File.ReadAllText(P(relative));

    [Fact]
    public async Task TrainShardedEvalMergeDecideReport_GiveRunsOutcomesAndVerdict()
    {
        var spec = _workspace.Spec("stages", GateWorkspace.TrainTenSteps, GateWorkspace.LoosePolicy);
        var run = await Stage(ExitCodes.GateFailed, "run", spec, "-o", P("run"), "--mlruns", P("mlruns"), "--cache", P("cache-run"));

        // The same gate as CI would split it, with a cache of its own so nothing is reused from the run.
        string[] cache = ["--cache", P("cache-stages")];
        var train = await Stage(ExitCodes.Pass, ["train", spec, "-o", P("stages"), .. cache]);
        Assert.Contains("train step 10/10", train);
        await Stage(ExitCodes.Pass, ["eval", spec, "--model", P("base"), "--shard", "1/2", "-o", P("shards/base-1"), .. cache]);
        await Stage(ExitCodes.Pass, ["eval", spec, "--model", P("base"), "--shard", "2/2", "-o", P("shards/base-2"), .. cache]);
        await Stage(ExitCodes.Pass, "merge", spec, P("shards/base-2"), P("shards/base-1"), "-o", P("stages/eval-base"));
        await Stage(ExitCodes.Pass, ["eval", spec, "--model", P("stages/candidate"), "-o", P("stages/eval-candidate"), .. cache]);
        var decide = await Stage(ExitCodes.GateFailed, ["decide", spec, "-o", P("stages"), "--mlruns", P("mlruns"), .. cache]);

        Assert.Contains("FAIL: 1 of 7 checks failed", run);
        Assert.Contains("FAIL: 1 of 7 checks failed", decide);
        Assert.Contains("Measuring drift on drift (12 texts).", decide);   // the models were loaded for drift
        foreach (var file in new[] { "eval-base/outcomes.jsonl", "eval-base/shard.json", "eval-candidate/outcomes.jsonl", "outcomes.base.jsonl", "outcomes.candidate.jsonl" })
            Assert.True(Untimed($"run/{file}") == Untimed($"stages/{file}"), $"{file} differs between run and the stages");
        Assert.Equal(Decided("run"), Decided("stages"));
        Assert.Contains("full fine-tuning: 10 steps of 4 rows", Text("stages/report.md"));   // the training figures came from the candidate's training.json

        var report = await Stage(ExitCodes.Pass, "report", P("stages/gate-result.json"), "-o", P("again.md"));
        Assert.Contains("FAIL: 1 of 7 checks failed", report);
        Assert.Equal(Text("stages/report.md"), Text("again.md"));
    }

    /// <summary>A LoRA gate's candidate is a PEFT adapter: eval and decide attach it to the spec's base, as run does.</summary>
    [Fact]
    public async Task AnAdapterCandidate_IsEvaluatedAndDecidedOverTheSpecsBase()
    {
        var spec = _workspace.Spec("adapter", GateWorkspace.TrainTenLoraSteps, GateWorkspace.LoosePolicy);
        var run = await Stage(ExitCodes.GateFailed, "run", spec, "-o", P("run"), "--mlruns", P("mlruns"), "--cache", P("cache"));
        Assert.True(File.Exists(P("run/candidate/adapter_config.json")));

        var eval = await Stage(ExitCodes.Pass, "eval", spec, "--model", P("run/candidate"), "-o", P("run/eval-candidate-again"), "--cache", P("cache-eval"));
        Assert.Contains("Attaching the LoRA adapter", eval);
        Assert.Equal(Text("run/eval-candidate/outcomes.jsonl"), Text("run/eval-candidate-again/outcomes.jsonl"));
        Assert.Equal(Untimed("run/eval-candidate/shard.json"), Untimed("run/eval-candidate-again/shard.json"));
        var decide = await Stage(ExitCodes.GateFailed, "decide", spec, "-o", P("run"), "--candidate", P("run/eval-candidate-again"), "--mlruns", P("mlruns"), "--cache", P("cache-eval"));
        Assert.Contains("Attaching the LoRA adapter", decide);
        Assert.Equal(run[run.IndexOf("FAIL:", StringComparison.Ordinal)..].Split('\n')[0], decide[decide.IndexOf("FAIL:", StringComparison.Ordinal)..].Split('\n')[0]);
    }

    [Fact]
    public async Task Decide_RefusesEvaluationsThatDoNotBelongTogether()
    {
        var spec = _workspace.Spec("refusals", "candidate: base", "  inconclusive: warn");
        await Stage(ExitCodes.Pass, "eval", spec, "--model", P("base"), "-o", P("whole"));
        await Stage(ExitCodes.Pass, "eval", spec, "--model", P("base"), "--shard", "1/2", "-o", P("half"));
        async Task<string> Refused(params string[] args)
        {
            var (exit, output) = await Cli.Run(["decide", spec, "-o", P("out"), "--mlruns", P("mlruns"), "--cache", P("cache"), "--threads", "1", .. args]);
            Assert.True(exit == ExitCodes.BadInput, output);
            return output;
        }

        Assert.Contains("the candidate's evaluation (shard.json) is shard 1 of 2; merge the shards first", await Refused("--base", P("whole"), "--candidate", P("half")));
        Assert.Contains("not found: give a folder written by 'gatekeeper eval' or 'gatekeeper merge'", await Refused("--base", P("whole"), "--candidate", P("nowhere")));
        var qwen = _workspace.Qwen2Base();
        Assert.Contains("this candidate model is", await Refused("--base", P("whole"), "--candidate", P("whole"), "--candidate-model", P(qwen)));

        var other = _workspace.Spec("refusals", "candidate: base", "  inconclusive: warn").Replace("refusals.yaml", "other.yaml");
        File.WriteAllText(other, File.ReadAllText(spec).Replace("max_new_tokens: 4", "max_new_tokens: 5"));
        var (exit, output) = await Cli.Run("decide", other, "--base", P("whole"), "--candidate", P("whole"), "-o", P("out"), "--mlruns", P("mlruns"), "--cache", P("cache"));
        Assert.Equal(ExitCodes.BadInput, exit);
        Assert.Contains("was made on another battery than", output);
        Assert.False(File.Exists(P("out/gate-result.json")));
    }

    /// <summary>A file's text, less an evaluation manifest's start and end.</summary>
    private string Untimed(string relative)
    {
        if (!relative.EndsWith(".json", StringComparison.Ordinal)) return Text(relative);
        var manifest = JsonNode.Parse(Text(relative))!.AsObject();
        Assert.True(manifest.Remove("started") && manifest.Remove("ended"), $"{relative} does not say when the evaluation started and ended");
        return manifest.ToJsonString();
    }

    /// <summary>The gate result without what differs between two executions of one gate: the times and its MLflow run.</summary>
    private string Decided(string folder)
    {
        var result = JsonNode.Parse(Text($"{folder}/gate-result.json"))!["result"]!.AsObject();
        result.Remove("elapsed");
        result.Remove("mlflow_run");
        result.Remove("history");   // the stages' decide finds run's gate among the earlier runs
        result["training"]!.AsObject().Remove("elapsed");
        return result.ToJsonString();
    }
}
