namespace Gatekeeper.Cli.Tests.Commands;

/// <summary>gatekeeper comment --dry-run writes what would be posted and posts nothing.</summary>
public sealed class CommentCommandTests : IDisposable
{
    private readonly GateWorkspace _workspace = new();

    public void Dispose() => _workspace.Dispose();

    private string P(string relative) => _workspace.Path_(relative);

    [Fact]
    public async Task ADryRun_WritesTheCommentAndTheCheck_WithTheGatesOwnTemplates()
    {
        var spec = _workspace.Spec("null", "candidate: base", "  inconclusive: warn");
        var (exit, output) = await Cli.Run("run", spec, "--threads", "1", "-o", P("out"), "--mlruns", P("mlruns"), "--cache", P("cache"), "--spool", P("spool"));
        Assert.True(exit == ExitCodes.Pass, output);
        Directory.CreateDirectory(P("own"));
        File.WriteAllText(P("own/comment.md.scriban"), "{{ marker }}\nOur own words: {{ headline }}");

        (exit, output) = await Cli.Run("comment", P("out/gate-result.json"), "--dry-run", "-o", P("posted.md"), "--templates", P("own"));

        Assert.True(exit == ExitCodes.Pass, output);
        var posted = File.ReadAllText(P("posted.md"));
        Assert.Contains("<!-- would post: comment", posted);
        Assert.Contains("<!-- gatekeeper:null -->\nOur own words: PASS", posted);
        Assert.Contains("<!-- would post: check run gatekeeper/null (success)", posted);
        Assert.Contains("## ✅ Gatekeeper: null — PASS", posted);   // the check's summary, from the default template

        (exit, output) = await Cli.Run("comment", P("out/gate-result.json"), "--templates", P("nowhere"));
        Assert.Equal(ExitCodes.BadInput, exit);
        Assert.Contains("is not a folder", output);
    }
}
