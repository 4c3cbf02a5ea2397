using System.Text.Json.Nodes;

namespace Gatekeeper.Cli.Tests.Commands;

/// <summary>gatekeeper history reads a gate's past runs back from its MLflow records.</summary>
public sealed class HistoryCommandTests : IDisposable
{
    private readonly GateWorkspace _workspace = new();

    public void Dispose() => _workspace.Dispose();

    private string P(string relative) => _workspace.Path_(relative);

    [Fact]
    public async Task History_ShowsEachRunsVerdictAndChecks_OldestFirst_AndWritesThemAsData()
    {
        var spec = _workspace.Spec("null", "candidate: base", "  inconclusive: warn");
        var (empty, none) = await Cli.Run("history", spec, "--mlruns", P("mlruns"));
        Assert.Equal(ExitCodes.Pass, empty);
        Assert.Contains("No runs of gate null", none);
        foreach (var pr in new[] { "7", "8" })
        {
            var (exit, output) = await Cli.Run("run", spec, "--threads", "1", "-o", P("out"), "--mlruns", P("mlruns"), "--cache", P("cache"), "--spool", P("spool"),
                "--tag", $"gatekeeper.pr={pr}");
            Assert.True(exit == ExitCodes.Pass, output);
        }

        var (code, shown) = await Cli.Run("history", spec, "--mlruns", P("mlruns"), "--json", P("history/null.json"));

        Assert.Equal(ExitCodes.Pass, code);
        Assert.Contains("the last 2 runs", shown);
        Assert.True(shown.IndexOf("PR 7", StringComparison.Ordinal) < shown.IndexOf("PR 8", StringComparison.Ordinal), shown);   // oldest first
        Assert.Contains("general/facts", shown);
        Assert.True(shown.Contains("0.000 ✓", StringComparison.Ordinal), shown);   // the base gated against itself changes nothing
        var data = JsonNode.Parse(File.ReadAllText(P("history/null.json")))!["history"]!;
        var runs = data["runs"]!.AsArray();
        Assert.Equal(["7", "8"], runs.Select(r => (string)r!["pull_request"]!));
        Assert.Equal("pass", (string)runs[1]!["checks"]!["general/facts"]!["outcome"]!);
        Assert.Equal(0.0, (double)runs[1]!["checks"]!["general/facts"]!["change"]!);

        var (_, one) = await Cli.Run("history", spec, "--mlruns", P("mlruns"), "--last", "1");
        Assert.Contains("the last 1 runs", one);
        Assert.DoesNotContain("PR 7", one);
    }
}
