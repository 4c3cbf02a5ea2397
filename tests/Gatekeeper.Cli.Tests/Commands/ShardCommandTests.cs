namespace Gatekeeper.Cli.Tests.Commands;

public sealed class ShardCommandTests : IDisposable
{
    private readonly GateWorkspace _workspace = new();

    public void Dispose() => _workspace.Dispose();

    private static Task<(int Exit, string Output)> Run(params string[] args) => Cli.Run(args);

    private async Task<string> Eval(string spec, string model, string? shard, string folder)
    {
        string[] args = ["eval", spec, "--model", _workspace.Path_(model), "--threads", "1", "--output", _workspace.Path_(folder)];
        var (exit, output) = await Run(shard is null ? args : [.. args, "--shard", shard]);
        Assert.True(exit == ExitCodes.Pass, output);
        return output;
    }

    [Fact]
    public async Task MergedShards_EqualTheUnshardedEvaluation_AndShardsThatDoNotBelongTogetherAreRefused()
    {
        var spec = _workspace.Spec("shards", "candidate: base", "  inconclusive: warn");
        await Eval(spec, "base", null, "whole");
        var first = await Eval(spec, "base", "1/3", "s1");
        await Eval(spec, "base", "2/3", "s2");
        await Eval(spec, "base", "3/3", "s3");
        Assert.Contains("Evaluating shard 1/3 of the battery with the model", first);
        Assert.Contains(": 27 of 80 items.", first);   // drift, which needs two models, is left out

        var (exit, output) = await Run("merge", spec, _workspace.Path_("s2"), _workspace.Path_("s3"), _workspace.Path_("s1"), "--output", _workspace.Path_("merged"));
        Assert.Equal(ExitCodes.Pass, exit);
        Assert.Contains("Merged 3 shards, 80 outcomes", output);
        Assert.Equal(File.ReadAllText(_workspace.Path_("whole/outcomes.jsonl")), File.ReadAllText(_workspace.Path_("merged/outcomes.jsonl")));
        // The same manifest, but for when it was made: the merge spans its shards' times.
        static System.Text.Json.Nodes.JsonObject Manifest(string path) => System.Text.Json.Nodes.JsonNode.Parse(File.ReadAllText(path))!.AsObject();
        var (whole, merged) = (Manifest(_workspace.Path_("whole/shard.json")), Manifest(_workspace.Path_("merged/shard.json")));
        Assert.Equal((string)Manifest(_workspace.Path_("s1/shard.json"))["started"]!, (string)merged["started"]!);
        Assert.Equal((string)Manifest(_workspace.Path_("s3/shard.json"))["ended"]!, (string)merged["ended"]!);
        foreach (var manifest in new[] { whole, merged }) Assert.True(manifest.Remove("started") && manifest.Remove("ended"));
        Assert.Equal(whole.ToJsonString(), merged.ToJsonString());

        var missing = await Run("merge", spec, _workspace.Path_("s1"), _workspace.Path_("s3"), "--output", _workspace.Path_("m2"));
        Assert.Equal(ExitCodes.BadInput, missing.Exit);
        Assert.Contains("shard 2 of 3 is missing", missing.Output);
        var twice = await Run("merge", spec, _workspace.Path_("s1"), _workspace.Path_("s1"), _workspace.Path_("s2"), _workspace.Path_("s3"), "--output", _workspace.Path_("m3"));
        Assert.Contains("shard 1 of 3 is given more than once", twice.Output);

        var other = _workspace.Qwen2Base();
        await Eval(spec, other, "2/3", "other2");
        var mixed = await Run("merge", spec, _workspace.Path_("s1"), _workspace.Path_("other2"), _workspace.Path_("s3"), "--output", _workspace.Path_("m4"));
        Assert.Equal(ExitCodes.BadInput, mixed.Exit);
        Assert.Contains("this shard comes from another model", mixed.Output);
        Assert.False(Directory.Exists(_workspace.Path_("m4")));
    }

    [Fact]
    public async Task Eval_InBatchesOfOneRow_WritesTheSameOutcomes_AndABadBudgetExitsTwo()
    {
        var spec = _workspace.Spec("budget", "candidate: base", "  inconclusive: warn");
        await Eval(spec, "base", null, "batched");
        var (exit, output) = await Run("eval", spec, "--model", _workspace.Path_("base"), "--threads", "1", "--batch-memory", "0.000001", "--output", _workspace.Path_("single"));
        Assert.True(exit == ExitCodes.Pass, output);
        Assert.Equal(File.ReadAllText(_workspace.Path_("batched/outcomes.jsonl")), File.ReadAllText(_workspace.Path_("single/outcomes.jsonl")));

        var bad = await Run("eval", spec, "--model", _workspace.Path_("base"), "--batch-memory", "0");
        Assert.Equal(ExitCodes.BadInput, bad.Exit);
        Assert.Contains("--batch-memory 0: give the GiB", bad.Output);
    }

    [Fact]
    public async Task Eval_ABadShard_ExitsTwoNamingTheForm()
    {
        var spec = _workspace.Spec("bad-shard", "candidate: base", "  inconclusive: warn");
        var (exit, output) = await Run("eval", spec, "--model", _workspace.Path_("base"), "--shard", "4/3");
        Assert.Equal(ExitCodes.BadInput, exit);
        Assert.Contains("'4/3' is not a shard; give k/n with 1 <= k <= n", output);
    }
}
