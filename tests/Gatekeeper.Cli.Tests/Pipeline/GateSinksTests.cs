using Gatekeeper.Pipeline;
using Gatekeeper.Pipeline.Sinks;
using Gatekeeper.Torch.Evaluation;
using Gatekeeper.Torch.Training;

namespace Gatekeeper.Cli.Tests.Pipeline;

/// <summary>A sink that fails is reported and left out; the other sinks, and the gate, go on.</summary>
public sealed class GateSinksTests
{
    private sealed class Recording(string name, string? failAt = null) : IGateSink
    {
        public List<string> Calls { get; } = [];

        public string Name => name;

        private void Call(string what)
        {
            Calls.Add(what);
            if (what == failAt) throw new InfrastructureException($"{name} broke at {what}");
        }

        public void StageStarted(GateStage stage, DateTimeOffset at) => Call($"start {stage}");

        public void Training(TrainingProgress progress) => Call($"step {progress.Step}");

        public void Publish(GateResult result) => Call("publish");

        public void Ended(GateEnd end) => Call($"end {end.State}");
    }

    private sealed class Messages : IGateObserver
    {
        public List<string> Lines { get; } = [];

        public void Stage(string message) => Lines.Add(message);

        public void Training(TrainingProgress progress) => Lines.Add($"train {progress.Step}");

        public void Evaluation(EvaluationProgress progress) { }
    }

    [Fact]
    public void AFailingSink_IsReportedOnceAndLeftOut_WhileTheOthersGetEveryCall()
    {
        var (broken, working, console) = (new Recording("broken", failAt: "step 2"), new Recording("working"), new Messages());
        var sinks = new GateSinks([broken, working], console);
        var follow = sinks.Following(console);

        sinks.StageStarted(GateStage.Train, DateTimeOffset.UtcNow);
        foreach (var step in new[] { 1, 2, 3 }) follow.Training(new TrainingProgress(step, 3, 1.0, 1e-3, 100));
        sinks.Ended(new GateEnd(GateEndState.Decided, DateTimeOffset.UtcNow));

        Assert.Equal(["start Train", "step 1", "step 2"], broken.Calls);
        Assert.Equal(["start Train", "step 1", "step 2", "step 3", "end Decided"], working.Calls);
        var failure = Assert.Single(sinks.Failures);
        Assert.Equal(("broken", "broken broke at step 2"), (failure.Sink, failure.Message));
        Assert.Contains(console.Lines, l => l.Contains("the broken sink failed", StringComparison.Ordinal) && l.Contains("the verdict is unchanged", StringComparison.Ordinal));
        Assert.Equal(3, console.Lines.Count(l => l.StartsWith("train ", StringComparison.Ordinal)));   // the terminal still sees every step
    }
}
