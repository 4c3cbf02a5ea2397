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
    public async Task Help_ListsEveryCommand_WithAnExample()
    {
        var (_, output) = await Cli.Run("--help");
        var commands = output[output.IndexOf("COMMANDS:", StringComparison.Ordinal)..].Split('\n').Skip(1)
            .Where(l => l.Length > 4 && l.StartsWith("    ", StringComparison.Ordinal) && l[4] != ' ')   // a command's line, not a wrapped description
            .Select(l => l.Trim().Split(' ')[0]).ToList();
        Assert.Equal(["run", "train", "eval", "merge", "decide", "report", "comment", "sync", "history", "validate", "sweep", "inspect", "pretrain"],
            commands.Where(c => char.IsAsciiLetterLower(c[0])));
        foreach (var command in commands.Where(c => char.IsAsciiLetterLower(c[0])))
            Assert.Contains($"    gatekeeper {command}", output[..output.IndexOf("OPTIONS:", StringComparison.Ordinal)]);
    }
}
