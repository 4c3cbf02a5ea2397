using System.Text.RegularExpressions;
using YamlDotNet.RepresentationModel;

namespace Gatekeeper.Cli.Tests.Commands;

/// <summary>mlproject.yaml follows MLflow's MLproject schema and each entry point runs a command the program has, with every parameter it names declared.</summary>
public sealed class MlprojectTests
{
    [Fact]
    public async Task EveryEntryPoint_RunsARealCommand_WithDeclaredParameters()
    {
        var root = AppContext.BaseDirectory;
        while (!File.Exists(Path.Combine(root, "Gatekeeper.sln"))) root = Path.GetDirectoryName(root)!;
        var yaml = new YamlStream();
        using (var reader = new StreamReader(Path.Combine(root, "mlproject.yaml"))) yaml.Load(reader);
        var project = (YamlMappingNode)yaml.Documents[0].RootNode;
        Assert.Equal("gatekeeper", project["name"].ToString());
        var entries = (YamlMappingNode)project["entry_points"];
        Assert.Equal(["main", "train", "eval", "validate", "sweep", "pretrain"], entries.Children.Keys.Select(k => k.ToString()));
        foreach (var (name, node) in entries.Children)
        {
            var entry = (YamlMappingNode)node;
            var command = entry["command"].ToString();
            var declared = ((YamlMappingNode)entry["parameters"]).Children.Keys.Select(k => k.ToString()).ToHashSet();
            var used = Regex.Matches(command, @"\{(\w+)\}").Select(m => m.Groups[1].Value).ToHashSet();
            Assert.True(used.SetEquals(declared), $"{name}: the command uses {string.Join(",", used)}, the parameters are {string.Join(",", declared)}");
            var gatekeeper = Regex.Match(command, @"-- (\w+)").Groups[1].Value;
            var (exit, output) = await Cli.Run(gatekeeper, "--help");
            Assert.True(exit == 0 && output.Contains("USAGE", StringComparison.OrdinalIgnoreCase), $"{name}: 'gatekeeper {gatekeeper}' is not a command:\n{output}");
            foreach (Match option in Regex.Matches(command, @"(--[a-z-]+) \{"))
                Assert.True(output.Contains(option.Groups[1].Value, StringComparison.Ordinal), $"{name}: 'gatekeeper {gatekeeper}' has no option {option.Groups[1].Value}");
        }
    }
}
