namespace Gatekeeper;

/// <summary>
/// Writes a folder beside its target and swaps it into place, so a failure while writing never
/// leaves half a checkpoint and the previous version stays until the new one is whole.
/// </summary>
public static class AtomicFolder
{
    /// <summary>A fresh, empty sibling of <paramref name="target"/> to write into.</summary>
    public static string Stage(string target)
    {
        var staging = Path.GetFullPath(target).TrimEnd(Path.DirectorySeparatorChar) + ".writing";
        if (Directory.Exists(staging)) Directory.Delete(staging, recursive: true);
        Directory.CreateDirectory(staging);
        return staging;
    }

    /// <summary>Replaces <paramref name="target"/> with the written <paramref name="staging"/> folder.</summary>
    public static void Commit(string staging, string target)
    {
        target = Path.GetFullPath(target).TrimEnd(Path.DirectorySeparatorChar);
        var previous = target + ".previous";
        if (Directory.Exists(previous)) Directory.Delete(previous, recursive: true);
        if (Directory.Exists(target)) Directory.Move(target, previous);
        Directory.Move(staging, target);
        if (Directory.Exists(previous)) Directory.Delete(previous, recursive: true);
    }
}
