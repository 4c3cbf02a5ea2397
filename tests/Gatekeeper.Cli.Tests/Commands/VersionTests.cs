namespace Gatekeeper.Cli.Tests.Commands;

public sealed class VersionTests
{
    [Fact]
    public async Task Version_PrintsTheVersionAndTheCommitItWasBuiltFrom()
    {
        var (exit, output) = await Cli.Run("--version");
        Assert.Equal(ExitCodes.Pass, exit);
        Assert.Equal(BuildInfo.Version, output.Trim());
        Assert.Matches(@"^\d+\.\d+\.\d+(\+[0-9a-f]{7,40})?$", output.Trim());
    }

    [Fact]
    public async Task Help_ListsEveryCommand()
    {
        var (_, output) = await Cli.Run("--help");
        foreach (var command in new[] { "run", "train", "eval", "merge", "decide", "report", "validate", "sweep", "inspect", "pretrain" })
            Assert.Contains($"    {command} ", output);
    }
}
