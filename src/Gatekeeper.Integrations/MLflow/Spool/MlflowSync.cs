namespace Gatekeeper.Integrations.MLflow.Spool;

/// <summary>Sends spooled records to their store (<c>gatekeeper sync</c>): all of them, in order, as many times as asked, with no record made twice.</summary>
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
}
