namespace Gatekeeper;

/// <summary>
/// Writes a file beside its target and renames it into place, so readers never see half a file
/// and a failure leaves the previous version intact.
/// </summary>
public static class AtomicFile
{
    public static void WriteAllText(string path, string content)
    {
        var temporary = path + ".writing";
        File.WriteAllText(temporary, content);
        File.Move(temporary, path, overwrite: true);
    }

    public static void WriteAllLines(string path, IEnumerable<string> lines)
    {
        var temporary = path + ".writing";
        File.WriteAllLines(temporary, lines);
        File.Move(temporary, path, overwrite: true);
    }

    public static void Copy(string source, string path)
    {
        var temporary = path + ".writing";
        File.Copy(source, temporary, overwrite: true);
        File.Move(temporary, path, overwrite: true);
    }
}
