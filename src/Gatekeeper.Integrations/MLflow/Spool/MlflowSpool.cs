using System.Text;
using System.Text.Json;
using System.Text.Json.Serialization;

namespace Gatekeeper.Integrations.MLflow.Spool;

/// <summary>
/// One gate's MLflow records on local disk, kept until the store has them all: a journal of
/// <see cref="MlflowOperation"/>s (one JSON line each, flushed to disk as it is written, so a crash
/// loses at most the line being written), the files its artifacts name, and the store they are for.
/// A gate holds its spool open while it runs; <see cref="TryOpen"/> passes over a spool in use.
/// Nothing secret is kept: credentials come from the environment when the spool is sent.
/// </summary>
public sealed class MlflowSpool : IDisposable
{
    public const string JournalFile = "journal.jsonl";
    public const string TargetFile = "target.txt";
    public const string FilesFolder = "files";

    private static readonly JsonSerializerOptions Json = new()
    {
        NumberHandling = JsonNumberHandling.AllowNamedFloatingPointLiterals,
        Converters = { new JsonStringEnumConverter() },
    };

    private readonly FileStream _journal;
    private int _files;

    private MlflowSpool(string folder, string target, FileStream journal)
    {
        Folder = folder;
        Target = target;
        _journal = journal;
        _files = Directory.Exists(Path.Combine(folder, FilesFolder)) ? Directory.GetFiles(Path.Combine(folder, FilesFolder)).Length : 0;
    }

    /// <summary>The spool's folder.</summary>
    public string Folder { get; }

    /// <summary>The store its records are for: a tracking server's URL or a file store's folder.</summary>
    public string Target { get; }

    /// <summary>A new, empty spool for <paramref name="target"/> under <paramref name="root"/>.</summary>
    public static MlflowSpool Create(string root, string target)
    {
        var folder = Path.Combine(Path.GetFullPath(root), $"{DateTime.UtcNow:yyyyMMdd'T'HHmmss}-{Guid.NewGuid():N}"[..24]);
        Directory.CreateDirectory(Path.Combine(folder, FilesFolder));
        File.WriteAllText(Path.Combine(folder, TargetFile), target);
        var journal = new FileStream(Path.Combine(folder, JournalFile), FileMode.CreateNew, FileAccess.Write, FileShare.Read);
        return new MlflowSpool(folder, target, journal);
    }

    /// <summary>The spool in <paramref name="folder"/>, held so no one else sends it; null while another process (a running gate, another sync) holds it.</summary>
    public static MlflowSpool? TryOpen(string folder)
    {
        var targetPath = Path.Combine(folder, TargetFile);
        var journalPath = Path.Combine(folder, JournalFile);
        if (!File.Exists(targetPath) || !File.Exists(journalPath)) return null;
        try
        {
            var journal = new FileStream(journalPath, FileMode.Open, FileAccess.ReadWrite, FileShare.None);
            return new MlflowSpool(folder, File.ReadAllText(targetPath).Trim(), journal);
        }
        catch (IOException)
        {
            return null;
        }
    }

    /// <summary>The spool folders under <paramref name="root"/>, oldest first.</summary>
    public static IReadOnlyList<string> Folders(string root) =>
        Directory.Exists(root) ? [.. Directory.GetDirectories(root).Where(f => File.Exists(Path.Combine(f, JournalFile))).Order(StringComparer.Ordinal)] : [];

    /// <summary>Adds a record to the journal, on disk before this returns.</summary>
    public void Append(MlflowOperation operation)
    {
        var line = Encoding.UTF8.GetBytes(JsonSerializer.Serialize(operation, Json) + "\n");
        _journal.Seek(0, SeekOrigin.End);
        _journal.Write(line);
        _journal.Flush(flushToDisk: true);
    }

    /// <summary>Copies a file into the spool and returns its path there, relative to <see cref="Folder"/>.</summary>
    public string Keep(string localFile)
    {
        var relative = Path.Combine(FilesFolder, $"{Interlocked.Increment(ref _files):D4}-{Path.GetFileName(localFile)}");
        AtomicFile.Copy(localFile, Path.Combine(Folder, relative));
        return relative;
    }

    /// <summary>Writes <paramref name="text"/> into the spool as a file named <paramref name="name"/> and returns its path there.</summary>
    public string KeepText(string name, string text)
    {
        var relative = Path.Combine(FilesFolder, $"{Interlocked.Increment(ref _files):D4}-{name}");
        AtomicFile.WriteAllText(Path.Combine(Folder, relative), text);
        return relative;
    }

    /// <summary>
    /// Every record, in the order written. A last line cut short by a crash is passed over; any other
    /// line that does not read is an error naming the line.
    /// </summary>
    public IReadOnlyList<MlflowOperation> Read()
    {
        _journal.Seek(0, SeekOrigin.Begin);
        using var reader = new StreamReader(_journal, Encoding.UTF8, leaveOpen: true);
        var lines = reader.ReadToEnd().Split('\n');
        var operations = new List<MlflowOperation>();
        for (int i = 0; i < lines.Length; i++)
        {
            if (lines[i].Length == 0) continue;
            try
            {
                operations.Add(JsonSerializer.Deserialize<MlflowOperation>(lines[i], Json) ?? throw new JsonException("null"));
            }
            catch (JsonException) when (i == lines.Length - 1)
            {
                // torn by a crash while it was written: that record never left the gate
            }
            catch (JsonException e)
            {
                throw new BadInputException(Path.Combine(Folder, JournalFile), i + 1, $"not a spooled MLflow record ({e.Message}); move the folder aside and run the gate again.");
            }
        }
        return operations;
    }

    /// <summary>Removes the spool: the store has everything in it.</summary>
    public void Delete()
    {
        _journal.Dispose();
        Directory.Delete(Folder, recursive: true);
    }

    public void Dispose() => _journal.Dispose();
}
