using System.Threading.Channels;

namespace Gatekeeper.Integrations.MLflow.Spool;

/// <summary>How a gate's records ended up: all in the store, or kept in the spool (and why).</summary>
public sealed record MlflowPublication(string Store, string? SpoolFolder, string? Failure)
{
    public bool Complete => SpoolFolder is null;
}

/// <summary>
/// Sends a gate's MLflow records as the gate makes them, without the gate waiting on the store:
/// each record is written to the gate's spool first (<see cref="MlflowSpool"/>), then sent in the
/// background in order. The first failure that survives the store's retries takes the publisher
/// offline for the rest of the gate: the records keep going to the spool, which is kept for
/// <c>gatekeeper sync</c> (and for the next gate on the same store, which sends older spools before
/// its own records). When everything arrived, the spool is removed.
/// </summary>
public sealed class MlflowPublisher : IDisposable
{
    private readonly MlflowSpool _spool;
    private readonly string _spoolRoot;
    private readonly MlflowReplay _replay;
    private readonly Channel<MlflowOperation> _queue = Channel.CreateUnbounded<MlflowOperation>(new UnboundedChannelOptions { SingleReader = true });
    private readonly CancellationTokenSource _stop = new();
    private readonly Task _sender;
    private readonly object _gate = new();
    private TaskCompletionSource _progress = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private long _posted, _sent;
    private string? _failure;

    /// <summary>
    /// Starts sending to <paramref name="store"/>: first the older spools under <paramref name="spoolRoot"/>
    /// kept for the same store, then this gate's records. <paramref name="notice"/> is told what
    /// happens to older spools and when the store is lost.
    /// </summary>
    public MlflowPublisher(IMlflowStore store, string spoolRoot, Action<string>? notice = null)
    {
        Store = store;
        _replay = new MlflowReplay(store);
        _spoolRoot = spoolRoot;
        _spool = MlflowSpool.Create(spoolRoot, store.Location);
        _sender = Task.Run(() => SendAsync(notice ?? (_ => { }), _stop.Token));
    }

    public IMlflowStore Store { get; }

    public string SpoolFolder => _spool.Folder;

    /// <summary>Why the store stopped taking records, or null while it takes them.</summary>
    public string? Failure => Volatile.Read(ref _failure);

    /// <summary>The store's id of a run, once it has the run.</summary>
    public string? RunId(string key)
    {
        lock (_gate) return _replay.RunId(key);
    }

    /// <summary>Spools the record and queues it to be sent.</summary>
    public void Post(MlflowOperation operation)
    {
        lock (_gate)
        {
            _spool.Append(operation);
            _posted++;
        }
        _queue.Writer.TryWrite(operation);
    }

    /// <summary>Keeps a copy of the file in the spool (the original may change before it is sent) and posts it as an artifact of the run.</summary>
    public void PostArtifact(string run, string localFile, string artifactPath) => Post(new MlflowArtifact(run, _spool.Keep(localFile), artifactPath));

    /// <summary>Posts <paramref name="text"/> as an artifact of the run, kept in the spool until it is sent.</summary>
    public void PostText(string run, string text, string artifactPath) => Post(new MlflowArtifact(run, _spool.KeepText(Path.GetFileName(artifactPath), text), artifactPath));

    /// <summary>Waits, at most <paramref name="limit"/>, until every record posted so far is sent or the store is lost; true when all were sent.</summary>
    public async Task<bool> FlushAsync(TimeSpan limit)
    {
        long target = Interlocked.Read(ref _posted);
        using var timeout = new CancellationTokenSource(limit);
        while (true)
        {
            Task progress;
            lock (_gate)
            {
                if (_sent >= target) return true;
                if (_failure is not null) return false;
                progress = _progress.Task;
            }
            try
            {
                await progress.WaitAsync(timeout.Token);
            }
            catch (OperationCanceledException)
            {
                return false;
            }
        }
    }

    /// <summary>
    /// No more records: waits, at most <paramref name="limit"/>, for the rest to be sent, then removes
    /// the spool when the store has everything, or keeps it and says why.
    /// </summary>
    public async Task<MlflowPublication> CompleteAsync(TimeSpan limit)
    {
        _queue.Writer.TryComplete();
        bool finished;
        try
        {
            // The sender ends once it has gone through the queue (older spools first), sent or not.
            await _sender.WaitAsync(limit);
            finished = true;
        }
        catch (TimeoutException)
        {
            finished = false;
            _stop.Cancel();
        }
        catch (OperationCanceledException)
        {
            finished = false;
        }
        bool all = finished && Failure is null && Interlocked.Read(ref _sent) == Interlocked.Read(ref _posted);
        if (all)
        {
            _spool.Delete();
            return new MlflowPublication(Store.Location, null, null);
        }
        _spool.Dispose();
        return new MlflowPublication(Store.Location, _spool.Folder, Failure ?? $"the store had not taken every record after {limit.TotalSeconds:0} s");
    }

    private async Task SendAsync(Action<string> notice, CancellationToken cancellation)
    {
        var earlier = await MlflowSync.SendAllAsync(_spoolRoot, target => target == Store.Location ? Store : null, cancellation, except: _spool.Folder);
        foreach (var outcome in earlier)
        {
            if (outcome.Sent is { } count) notice($"MLflow: sent the {count} records an earlier gate had kept in {outcome.Folder}.");
            else if (outcome.Failure is { } why) notice($"MLflow: an earlier gate's records in {outcome.Folder} could not be sent ({why}); they stay there for 'gatekeeper sync'.");
        }
        await foreach (var operation in _queue.Reader.ReadAllAsync(cancellation))
        {
            if (Failure is null)
            {
                try
                {
                    await _replay.ApplyAsync(operation, _spool.Folder, cancellation);
                }
                catch (Exception e) when (MlflowReplay.NotSent(e))
                {
                    Lost(e.Message);
                    notice($"MLflow: {e.Message} The gate goes on; its records are kept in {_spool.Folder} ('gatekeeper sync' sends them).");
                }
            }
            lock (_gate)
            {
                if (Failure is null) _sent++;
                Pulse();
            }
        }
    }

    private void Lost(string why)
    {
        lock (_gate)
        {
            _failure ??= why;
            Pulse();
        }
    }

    /// <summary>Wakes whoever waits in <see cref="FlushAsync"/> to look again (under the lock).</summary>
    private void Pulse()
    {
        var done = _progress;
        _progress = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        done.SetResult();
    }

    public void Dispose()
    {
        _stop.Cancel();
        _queue.Writer.TryComplete();
        try
        {
            _sender.Wait(TimeSpan.FromSeconds(5));
        }
        catch (AggregateException)
        {
            // stopping: the spool keeps what was not sent
        }
        _spool.Dispose();
        _stop.Dispose();
    }
}
