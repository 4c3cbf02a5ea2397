using System.Text;
using System.Text.Json;
using Gatekeeper.Battery;
using Gatekeeper.Specs;
using Gatekeeper.Torch.Checkpoints;

namespace Gatekeeper.Pipeline;

/// <summary>
/// Per-task outcomes of a model, cached under a key that holds everything that changes the answer:
/// the model's content hash (its weights, architecture and tokenizer files, chat template included),
/// the device and dtype, the task's full definition with the refusal phrases it is scored by, the
/// data file's bytes and the code's version. A changed task, data file, model or program never
/// reuses a stale result.
/// </summary>
public sealed class EvaluationCache
{
    /// <summary>Bump when scoring or decoding changes in a way that changes outcomes.</summary>
    public const int EvaluatorVersion = 1;

    private readonly string _folder;

    /// <summary>
    /// Data files' hashes by path, size and write time: a gate keys every task for the base, the
    /// candidate and the decision, and a file need be read once for all of them (a changed file is read again).
    /// </summary>
    private readonly Dictionary<(string Path, long Length, DateTime Written), string> _dataHashes = [];

    /// <param name="folder">Where entries are kept.</param>
    /// <param name="codeVersion">The program's version, part of every key.</param>
    public EvaluationCache(string folder, string codeVersion)
    {
        _folder = folder;
        CodeVersion = codeVersion;
    }

    /// <summary>The program's version, part of every key.</summary>
    public string CodeVersion { get; }

    /// <param name="modelSha256">The model's content hash (for drift, both models').</param>
    /// <param name="task">The task, all of whose definition enters the key.</param>
    /// <param name="compute">Device and dtype: another precision or kernel can change answers.</param>
    public string Key(string modelSha256, TaskSpec task, string compute)
    {
        var definition = JsonSerializer.Serialize(new
        {
            task.Name, task.Version, Kind = task.Kind.Name, task.Template, task.Limit, task.Fields, task.Columns, Category = task.Category.ToString(), task.Cluster,
            PromptFormat = task.PromptFormat.ToString(),
            // The kind's settings with their defaults filled in (the refusal phrases): changing a default changes outcomes.
            Settings = JsonSerializer.SerializeToElement(task.Settings.AsScored(), task.Settings.GetType()),
        });
        var data = DataHash(task.Data) + (task.FewShot is { } fewShot ? $"+few_shot:{fewShot.Count}:{fewShot.Seed}:{DataHash(fewShot.Data)}" : "");
        var text = $"evaluator:{EvaluatorVersion}\ncode:{CodeVersion}\nmodel:{modelSha256}\ncompute:{compute}\ntask:{definition}\ndata:{data}\n";
        return FileHash.Sha256(Encoding.UTF8.GetBytes(text));
    }

    private string DataHash(string path)
    {
        var file = new FileInfo(path);
        var identity = (file.FullName, file.Length, file.LastWriteTimeUtc);
        lock (_dataHashes)
        {
            if (_dataHashes.TryGetValue(identity, out var known)) return known;
        }
        var hash = FileHash.Sha256(path);
        lock (_dataHashes) _dataHashes[identity] = hash;
        return hash;
    }

    public IReadOnlyList<ItemOutcome>? TryGet(string key)
    {
        var path = PathFor(key);
        if (!File.Exists(path)) return null;
        try
        {
            return OutcomeFile.Read(path);
        }
        catch (BadInputException)
        {
            // A damaged cache entry is only a cache miss.
            return null;
        }
    }

    public void Put(string key, IEnumerable<ItemOutcome> outcomes)
    {
        Directory.CreateDirectory(_folder);
        OutcomeFile.Write(PathFor(key), outcomes);
    }

    private string PathFor(string key) => Path.Combine(_folder, key + ".jsonl");
}
