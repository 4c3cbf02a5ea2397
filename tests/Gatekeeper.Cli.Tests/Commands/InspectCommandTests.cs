namespace Gatekeeper.Cli.Tests.Commands;

public sealed class InspectCommandTests : IDisposable
{
    private readonly GateWorkspace _workspace = new();

    public void Dispose() => _workspace.Dispose();

    private static Task<(int Exit, string Output)> Run(params string[] args) => Cli.Run(args);

    [Fact]
    public async Task Inspect_ACheckpoint_SaysItsFamilySizeAndIdentity()
    {
        var (exit, output) = await Run("inspect", _workspace.Path_("base"), "--threads", "1", "--dtype", "bfloat16");

        Assert.Equal(ExitCodes.Pass, exit);
        Assert.Contains("gpt2 (GPT2LMHeadModel)", output);
        Assert.Contains("in 1 layers, vocabulary 260, context 64", output);
        Assert.Contains("stored as      F32", output);
        Assert.Contains("loaded as      cpu, bfloat16", output);
        Assert.Matches("weights sha256 [0-9a-f]{64}", output);
    }

    [Fact]
    public async Task Inspect_AFolderWithoutWeights_ExitsTwoNamingWhatIsMissing()
    {
        var folder = _workspace.Path_("empty");
        Directory.CreateDirectory(folder);
        File.Copy(_workspace.Path_("base/config.json"), Path.Combine(folder, "config.json"));

        var (exit, output) = await Run("inspect", folder);

        Assert.Equal(ExitCodes.BadInput, exit);
        Assert.Contains("no weights; a checkpoint folder needs model.safetensors or model.safetensors.index.json", output);
    }
}
