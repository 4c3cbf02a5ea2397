namespace Gatekeeper.Integrations.MLflow.Spool;

/// <summary>What became of one spool: sent (and removed), passed over while another process holds it, or failed (and kept).</summary>
public sealed record SpoolOutcome(string Folder, string Target, int? Sent, string? Failure)
{
    public bool InUse => Sent is null && Failure is null;
}

/// <summary>
/// Sends spooled records to their stores (<c>gatekeeper sync</c>, and each gate before its own
/// records): all of them, in order, as many times as asked, with no run, param or metric point made
/// twice (<see cref="MlflowReplay"/>). A spool the store took is removed; one it did not is kept whole.
/// </summary>
public static class MlflowSync
{
    /// <returns>How many records were sent.</returns>
    public static async Task<int> SendAsync(MlflowSpool spool, IMlflowStore store, CancellationToken cancellation)
    {
        var replay = new MlflowReplay(store);
        var operations = spool.Read();
        foreach (var operation in operations) await replay.ApplyAsync(operation, spool.Folder, cancellation);
        return operations.Count;
    }

    /// <summary>
    /// Every spool under <paramref name="root"/>, oldest first, to the store <paramref name="storeFor"/>
    /// gives for its target (null: not this time). After a store fails once, its other spools wait for
    /// the next sync rather than each waiting out the retries.
    /// </summary>
    public static async Task<IReadOnlyList<SpoolOutcome>> SendAllAsync(string root, Func<string, IMlflowStore?> storeFor, CancellationToken cancellation,
        string? except = null)
    {
        var outcomes = new List<SpoolOutcome>();
        var failed = new HashSet<string>();
        foreach (var folder in MlflowSpool.Folders(root))
        {
            if (folder == except) continue;
            using var spool = MlflowSpool.TryOpen(folder);
            if (spool is null)
            {
                outcomes.Add(new SpoolOutcome(folder, "", null, null));
                continue;
            }
            if (failed.Contains(spool.Target) || storeFor(spool.Target) is not { } store) continue;
            try
            {
                int sent = await SendAsync(spool, store, cancellation);
                spool.Delete();
                outcomes.Add(new SpoolOutcome(folder, spool.Target, sent, null));
            }
            catch (Exception e) when (MlflowReplay.NotSent(e))
            {
                failed.Add(spool.Target);
                outcomes.Add(new SpoolOutcome(folder, spool.Target, null, e.Message));
            }
        }
        return outcomes;
    }
}
