using Gatekeeper.Torch.Evaluation;
using Gatekeeper.Torch.Training;

namespace Gatekeeper.Pipeline.Sinks;

/// <summary>
/// The sinks of one gate, called in order, each failure caught: a sink that throws is reported
/// (<see cref="Failures"/>, and to the terminal) and not called again, and the gate goes on with
/// its verdict and exit code unchanged.
/// </summary>
public sealed class GateSinks
{
    private readonly List<IGateSink> _working;
    private readonly List<SinkFailure> _failures = [];
    private readonly IGateObserver _observer;

    public GateSinks(IEnumerable<IGateSink> sinks, IGateObserver observer)
    {
        _working = [.. sinks];
        _observer = observer;
    }

    /// <summary>Every sink a gate publishes to: its report files, its MLflow records, and in GitHub Actions the pull request, the check and the job summary.</summary>
    public static GateSinks For(GateRunOptions options, IGateObserver observer) => new(
    [
        new ReportFilesSink(),
        new MlflowSink(options.Tracking, options.MlflowRetries, options.SpoolDirectory, observer.Stage),
        .. options.GitHub is { } github ? [new GitHubSink(github)] : Array.Empty<IGateSink>(),
    ], observer);

    public IReadOnlyList<SinkFailure> Failures => _failures;

    /// <summary>The registry a passing candidate is promoted in: the first working sink that keeps one.</summary>
    public IModelRegistry? Registry => _working.OfType<IModelRegistry>().FirstOrDefault();

    /// <summary>Where the sinks' records are, as the report names them.</summary>
    public string? Where => _working.Select(s => s.Where).FirstOrDefault(w => w is not null);

    /// <summary>The terminal's observer, with training progress also going to the sinks.</summary>
    public IGateObserver Following(IGateObserver observer) => new Follower(observer, this);

    public void Started(GateStart start) => Each(s => s.Started(start));

    public void StageStarted(GateStage stage, DateTimeOffset at) => Each(s => s.StageStarted(stage, at));

    public void Training(TrainingProgress progress) => Each(s => s.Training(progress));

    public T StageEnded<T>(T record) where T : StageRecord
    {
        Each(s => s.StageEnded(record));
        return record;
    }

    public void Publish(GateResult result) => Each(s => s.Publish(result));

    public void Ended(GateEnd end) => Each(s => s.Ended(end));

    private void Each(Action<IGateSink> call)
    {
        foreach (var sink in _working.ToList())
        {
            try
            {
                call(sink);
            }
            catch (Exception e) when (e is not OperationCanceledException)
            {
                _working.Remove(sink);
                _failures.Add(new SinkFailure(sink.Name, e.Message));
                _observer.Stage($"Warning: the {sink.Name} sink failed and is left out for the rest of the gate; the verdict is unchanged. {e.Message}");
            }
        }
    }

    private sealed class Follower(IGateObserver observer, GateSinks sinks) : IGateObserver
    {
        public void Stage(string message) => observer.Stage(message);

        public void Training(TrainingProgress progress)
        {
            observer.Training(progress);
            sinks.Training(progress);
        }

        public void Evaluation(EvaluationProgress progress) => observer.Evaluation(progress);
    }
}
