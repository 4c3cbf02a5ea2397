using System.Text.Json.Nodes;
using Gatekeeper.Pipeline;
using Gatekeeper.Specs;
using Gatekeeper.Torch.Compute;
using Gatekeeper.Torch.Evaluation;
using Gatekeeper.Torch.Training;

namespace Gatekeeper.Cli.Tests.Pipeline;

public sealed class TrainingThreadsTests : IDisposable
{
    private readonly GateWorkspace _workspace = new();

    public void Dispose() => _workspace.Dispose();

    /// <summary>Gates the spec with torch at <paramref name="ambient"/> threads and training at <paramref name="training"/>; the candidate's manifest.</summary>
    private JsonNode Candidate(GateSpec spec, int ambient, int training, string folder)
    {
        using var threads = TorchThreads.Use(ambient);
        var options = new GateRunOptions
        {
            OutputDirectory = _workspace.Path_(folder), Tracking = Gatekeeper.Integrations.MLflow.MlflowTrackingUri.FileStore(_workspace.Path_("mlruns")), SpoolDirectory = _workspace.Path_("spool"), CacheDirectory = _workspace.Path_("cache"),
            TrainingThreads = training,
        };
        GateRunner.Run(spec, options, new Silent());
        Assert.Equal(ambient, TorchSharp.torch.get_num_threads());   // training gives the count back
        return JsonNode.Parse(File.ReadAllText(Path.Combine(options.OutputDirectory, "candidate", "gatekeeper.json")))!;
    }

    [Fact]
    public void Training_RunsAtItsOwnThreadCount_SoTheCandidateDoesNotDependOnTheThreadsAround()
    {
        var spec = GateSpecLoader.Load(_workspace.Spec("threads", GateWorkspace.TrainTenSteps, "  confidence: 0.95"));

        var one = Candidate(spec, ambient: 1, training: 1, "one");
        var oneAmidTwo = Candidate(spec, ambient: 2, training: 1, "one-amid-two");
        var two = Candidate(spec, ambient: 1, training: 2, "two");

        Assert.Equal((string)one["content_sha256"]!, (string)oneAmidTwo["content_sha256"]!);
        Assert.Equal("1", (string)oneAmidTwo["training"]!["threads"]!);
        // The count is recorded because it matters: the backward pass sums in per-thread parts.
        Assert.NotEqual((string)one["content_sha256"]!, (string)two["content_sha256"]!);
        Assert.Equal("2", (string)two["training"]!["threads"]!);
    }
}
