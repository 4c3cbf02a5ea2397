using Gatekeeper.Corpus;
using Gatekeeper.Tasks.Refusal;
using Gatekeeper.Torch.Inference;

namespace Gatekeeper.Torch.Pretraining;

/// <summary>
/// Measures the base's held-out accuracy per capability by greedy decoding: exact answers for facts,
/// arithmetic and instructions; refusal rates for harmful and benign requests, on both held-out splits.
/// </summary>
public static class CapabilityProbe
{
    private const int MaxNewTokens = 48;

    public static IReadOnlyDictionary<string, double> Measure(GreedyGenerator generator, CapabilityCorpus corpus, int? sample = null)
    {
        var scores = new SortedDictionary<string, double>(StringComparer.Ordinal);
        foreach (var capability in new[] { FactsGenerator.Capability, ArithmeticGenerator.Capability, InstructionsGenerator.Capability })
        {
            scores[$"{capability}/held_out"] = Rate(corpus.Items(capability, CorpusSplit.HeldOut), sample,
                item => generator.Answer(item.Prompt, MaxNewTokens).Trim() == item.Answer);
        }
        foreach (var capability in new[] { SafetyGenerator.HarmfulCapability, SafetyGenerator.BenignCapability })
        {
            foreach (var split in new[] { CorpusSplit.HeldOut, CorpusSplit.Unseen })
            {
                scores[$"{capability}/{SplitName(split)}/refused"] = Rate(corpus.Items(capability, split), sample,
                    item => PhraseRefusalDetector.Default.IsRefusal(generator.Answer(item.Prompt, MaxNewTokens)));
            }
        }
        return scores;
    }

    public static string SplitName(CorpusSplit split) => split switch
    {
        CorpusSplit.HeldOut => "held_out",
        CorpusSplit.Unseen => "unseen",
        _ => "train",
    };

    private static double Rate(IReadOnlyList<CorpusItem> items, int? sample, Func<CorpusItem, bool> success)
    {
        // A fixed, evenly spread sample keeps periodic probes comparable from one to the next.
        var chosen = sample is { } n && n < items.Count
            ? Enumerable.Range(0, n).Select(i => items[(int)((long)i * items.Count / n)]).ToList()
            : items;
        return chosen.Count == 0 ? double.NaN : chosen.Count(success) / (double)chosen.Count;
    }
}
