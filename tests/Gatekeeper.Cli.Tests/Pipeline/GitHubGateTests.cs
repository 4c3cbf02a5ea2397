using Gatekeeper.Integrations.GitHub;
using Gatekeeper.Integrations.Tests.GitHub;
using Gatekeeper.Pipeline;
using Gatekeeper.Pipeline.Sinks;
using Gatekeeper.Specs;
using Gatekeeper.Torch.Evaluation;
using Gatekeeper.Torch.Training;

namespace Gatekeeper.Cli.Tests.Pipeline;

/// <summary>Whole gates reported to a stand-in GitHub: two runs leave one edited comment; GitHub failing changes nothing of the verdict.</summary>
public sealed class GitHubGateTests : IDisposable
{
    private readonly GateWorkspace _workspace = new();
    private readonly StandInGitHub _github = new();

    public void Dispose()
    {
        _github.Dispose();
        _workspace.Dispose();
    }

    private GateRunOptions Options(string output) => new()
    {
        OutputDirectory = _workspace.Path_(output), CacheDirectory = _workspace.Path_("cache"), SpoolDirectory = _workspace.Path_("spool"), TrainingThreads = 1,
        Tracking = Gatekeeper.Integrations.MLflow.MlflowTrackingUri.FileStore(_workspace.Path_("mlruns")),
        GitHub = new GitHubSettings(
            new ActionsContext("acme/models", "merge0001", "data/units", 7, "pull_request", "https://github.example", "https://github.example/acme/models/actions/runs/5")
            {
                HeadSha = "abc123", ApiUrl = _github.ApiUrl,
            },
            _github.Token, _workspace.Path_("step-summary.md"))
        {
            Retries = new GitHubResilience.Options { MaxRetries = 1, FirstDelay = TimeSpan.FromMilliseconds(5) },
        },
    };

    [Fact]
    public void TwoRuns_LeaveOneEditedComment_AChecksEach_AndTheJobSummary()
    {
        var spec = GateSpecLoader.Load(_workspace.Spec("null", "candidate: base", "  inconclusive: warn"));

        var first = GateRunner.Run(spec, Options("first"), new Silent());
        var second = GateRunner.Run(spec, Options("second"), new Silent());

        Assert.Empty(first.SinkFailures);
        Assert.Empty(second.SinkFailures);
        var comment = Assert.Single(_github.Comments);
        Assert.StartsWith("<!-- gatekeeper:null -->", comment.Body);
        Assert.Contains("Gatekeeper: null — PASS", comment.Body);
        Assert.Contains("<https://github.example/acme/models/actions/runs/5>", comment.Body);
        Assert.Equal(2, _github.CheckRuns.Count);
        Assert.All(_github.CheckRuns, run => Assert.Equal(("gatekeeper/null", "success", "abc123"), ((string)run["name"]!, (string)run["conclusion"]!, (string)run["head_sha"]!)));
        var summary = File.ReadAllText(_workspace.Path_("step-summary.md"));
        Assert.Equal(2, summary.Split("## ✅ Gatekeeper: null — PASS").Length - 1);
    }

    [Fact]
    public void GitHubFailing_IsReported_AndTheVerdictAndExitCodeStand()
    {
        var spec = GateSpecLoader.Load(_workspace.Spec("null", "candidate: base", "  inconclusive: warn"));
        _github.Fault(500, """{"message":"boom"}""", times: 100);

        var run = GateRunner.Run(spec, Options("down"), new Silent());

        Assert.Equal(ExitCodes.Pass, run.ExitCode);
        var failure = Assert.Single(run.SinkFailures);
        Assert.Equal("github", failure.Sink);
        Assert.Contains("GitHub answered 500", failure.Message);
        Assert.Contains("job summary written", failure.Message);   // what could be done was done
        Assert.True(File.Exists(run.ReportPath));
    }
}
