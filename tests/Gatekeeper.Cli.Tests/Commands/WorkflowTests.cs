using YamlDotNet.RepresentationModel;

namespace Gatekeeper.Cli.Tests.Commands;

/// <summary>
/// The CI workflows keep to the rules their headers state: no pull_request_target, read-only
/// permissions by default with each job asking only for what it writes, no expression spliced into
/// a script (event text reaches scripts through env), and the self-hosted gate never runs a fork's
/// pull request.
/// </summary>
public sealed class WorkflowTests
{
    private static string Root()
    {
        var root = AppContext.BaseDirectory;
        while (!File.Exists(Path.Combine(root, "Gatekeeper.sln"))) root = Path.GetDirectoryName(root)!;
        return root;
    }

    public static TheoryData<string> Workflows() => [.. Directory.GetFiles(Path.Combine(Root(), ".github", "workflows"), "*.yml").Select(f => Path.GetFileName(f)).Order()];

    private static YamlMappingNode Load(string file)
    {
        var yaml = new YamlStream();
        using var reader = new StreamReader(Path.Combine(Root(), ".github", "workflows", file));
        yaml.Load(reader);
        return (YamlMappingNode)yaml.Documents[0].RootNode;
    }

    [Theory]
    [MemberData(nameof(Workflows))]
    public void AWorkflow_IsReadOnlyByDefault_AndSplicesNoExpressionIntoAScript(string file)
    {
        var workflow = Load(file);
        var triggers = workflow["on"] is YamlMappingNode on ? on.Children.Keys.Select(k => k.ToString()) : [workflow["on"].ToString()];
        Assert.DoesNotContain("pull_request_target", triggers);
        var permissions = Assert.IsType<YamlMappingNode>(workflow["permissions"]);
        Assert.Equal([("contents", "read")], permissions.Children.Select(p => (p.Key.ToString(), p.Value.ToString())));
        foreach (var (name, job) in ((YamlMappingNode)workflow["jobs"]).Children)
        {
            var steps = ((YamlMappingNode)job).Children.TryGetValue("steps", out var list) ? (YamlSequenceNode)list : new YamlSequenceNode();
            foreach (var step in steps.Cast<YamlMappingNode>())
            {
                if (step.Children.TryGetValue("run", out var run))
                    Assert.False(run.ToString().Contains("${{", StringComparison.Ordinal), $"{file}, job {name}: a script splices an expression; pass it through env");
            }
            if (((YamlMappingNode)job).Children.TryGetValue("permissions", out var own))
                Assert.All(((YamlMappingNode)own).Children, p => Assert.Contains(p.Key.ToString(), new[] { "contents", "pull-requests", "checks" }));
        }
    }

    [Fact]
    public void TheGateOnSelfHostedRunners_NeverRunsAForksPullRequest()
    {
        var jobs = (YamlMappingNode)Load("gate.yml")["jobs"];
        var specs = (YamlMappingNode)jobs["specs"];
        Assert.Contains("github.event.pull_request.head.repo.full_name == github.repository", specs["if"].ToString());
        var gate = (YamlMappingNode)jobs["gate"];
        Assert.Equal("specs", gate["needs"].ToString());   // runs only after the job that refuses forks
        Assert.Contains("self-hosted", gate["runs-on"].ToString());
        var fork = (YamlMappingNode)jobs["fork"];
        Assert.Equal("ubuntu-latest", fork["runs-on"].ToString());
    }
}
