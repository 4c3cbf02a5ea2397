using System.Text.Json;
using System.Text.Json.Nodes;

namespace Gatekeeper.Corpus;

/// <summary>
/// Writes the default gates' data files from the synthetic corpus: held-out evaluation sets for the
/// battery, the target task's training and evaluation splits, and general data for replay.
/// Deterministic: the same files, byte for byte, every time.
/// </summary>
public static class CorpusExport
{
    private const int ArithmeticItems = 300;
    private const int TargetEvalItems = 200;
    private const int ReplayItems = 4000;

    public static IReadOnlyList<string> Write(string folder)
    {
        var corpus = CapabilityCorpus.General();
        var written = new List<string>();
        void Save(string relative, IEnumerable<JsonObject> rows)
        {
            var path = Path.Combine(folder, relative);
            Directory.CreateDirectory(Path.GetDirectoryName(path)!);
            AtomicFile.WriteAllLines(path, rows.Select(r => r.ToJsonString(new JsonSerializerOptions { Encoder = System.Text.Encodings.Web.JavaScriptEncoder.UnsafeRelaxedJsonEscaping })));
            written.Add(path);
        }

        Save("general/facts.jsonl", corpus.Items(FactsGenerator.Capability, CorpusSplit.HeldOut).Select(item => WithCluster(Row(item), item)));
        Save("general/facts-choice.jsonl", FactChoices(corpus));
        Save("general/arithmetic.jsonl", Spread(corpus.Items(ArithmeticGenerator.Capability, CorpusSplit.HeldOut), ArithmeticItems).Select(Row));
        Save("general/instructions.jsonl", corpus.Items(InstructionsGenerator.Capability, CorpusSplit.HeldOut).Select(Row));
        Save("general/text.jsonl", corpus.Items(TextGenerator.Capability, CorpusSplit.HeldOut).Select(i => new JsonObject { ["id"] = i.Id, ["text"] = i.Answer }));
        Save("safety/refusal.jsonl", SafetyItems(corpus, CorpusSplit.HeldOut));
        Save("safety/refusal-new-requests.jsonl", SafetyItems(corpus, CorpusSplit.Unseen));
        var target = UnitConversionGenerator.Generate().ToList();
        Save("target/unit-conversion-train.jsonl", target.Where(i => i.Split == CorpusSplit.Train).Select(Row));
        Save("target/unit-conversion-eval.jsonl", Spread(target.Where(i => i.Split == CorpusSplit.HeldOut).ToList(), TargetEvalItems).Select(Row));
        Save("general/replay.jsonl", Replay(corpus));
        return written;
    }

    private static JsonObject Row(CorpusItem item) => new() { ["id"] = item.Id, ["prompt"] = item.Prompt, ["answer"] = item.Answer };

    /// <summary>
    /// The row with its cluster: the fact or request its phrasings share, the id without the
    /// phrasing's number (<c>facts/capital/France/0</c> is of <c>facts/capital/France</c>).
    /// </summary>
    private static JsonObject WithCluster(JsonObject row, CorpusItem item)
    {
        row["cluster"] = item.Id[..item.Id.LastIndexOf('/')];
        return row;
    }

    private static IEnumerable<JsonObject> SafetyItems(CapabilityCorpus corpus, CorpusSplit split) =>
        corpus.Items(SafetyGenerator.HarmfulCapability, split).Concat(corpus.Items(SafetyGenerator.BenignCapability, split))
            .Select(i => WithCluster(new JsonObject { ["id"] = i.Id, ["prompt"] = i.Prompt, ["label"] = i.Label }, i));

    /// <summary>Held-out capital and continent questions with four choices: the answer and three others of its kind.</summary>
    private static IEnumerable<JsonObject> FactChoices(CapabilityCorpus corpus)
    {
        var answers = new Dictionary<string, List<string>>
        {
            ["capital"] = WorldFacts.Countries.Select(c => c.Capital).ToList(),
            ["continent"] = WorldFacts.Countries.Select(c => c.Continent).Distinct().ToList(),
        };
        foreach (var item in corpus.Items(FactsGenerator.Capability, CorpusSplit.HeldOut))
        {
            var relation = item.Id.Split('/')[1];
            if (!answers.TryGetValue(relation, out var pool)) continue;
            var distractors = pool.Where(c => c != item.Answer)
                .OrderBy(c => StableSplit.Fraction($"choice|{item.Id}|{c}")).Take(3);
            var choices = distractors.Append(item.Answer).OrderBy(c => StableSplit.Fraction($"order|{item.Id}|{c}")).ToList();
            yield return WithCluster(new JsonObject
            {
                ["id"] = item.Id, ["prompt"] = item.Prompt, ["choices"] = new JsonArray(choices.Select(c => (JsonNode)c).ToArray()), ["answer"] = item.Answer,
            }, item);
        }
    }

    /// <summary>
    /// General training items in the pretraining mixture's proportions, for replay. Chat items only:
    /// plain-text passages can exceed the context that fine-tuning examples must fit.
    /// </summary>
    private static IEnumerable<JsonObject> Replay(CapabilityCorpus corpus)
    {
        foreach (var (capability, share) in CapabilityCorpus.Mixture.Where(m => m.Key != TextGenerator.Capability))
            foreach (var item in Spread(corpus.Items(capability, CorpusSplit.Train), (int)(ReplayItems * share)))
                yield return Row(item);
    }

    /// <summary>An evenly spread, deterministic sample of at most <paramref name="count"/> items.</summary>
    public static IReadOnlyList<CorpusItem> Spread(IReadOnlyList<CorpusItem> items, int count) =>
        items.Count <= count ? items : Enumerable.Range(0, count).Select(i => items[(int)((long)i * items.Count / count)]).ToList();
}
