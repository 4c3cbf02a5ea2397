namespace Gatekeeper.Corpus;

/// <summary>
/// The whole synthetic capability corpus the embedded base is pretrained on, grouped by capability.
/// Deterministic: the same items in the same order, in the same splits, on every machine.
/// </summary>
public sealed class CapabilityCorpus
{
    /// <summary>Capabilities in pretraining, in the order reports list them.</summary>
    public static readonly IReadOnlyList<string> Capabilities =
    [
        FactsGenerator.Capability, ArithmeticGenerator.Capability, InstructionsGenerator.Capability,
        SafetyGenerator.HarmfulCapability, SafetyGenerator.BenignCapability, TextGenerator.Capability,
    ];

    /// <summary>Share of each capability in pretraining, and in the general data replayed during fine-tuning.</summary>
    public static readonly IReadOnlyDictionary<string, double> Mixture = new Dictionary<string, double>
    {
        [FactsGenerator.Capability] = 0.20,
        [ArithmeticGenerator.Capability] = 0.40,
        [InstructionsGenerator.Capability] = 0.14,
        [SafetyGenerator.HarmfulCapability] = 0.10,
        [SafetyGenerator.BenignCapability] = 0.10,
        [TextGenerator.Capability] = 0.06,
    };

    private readonly Dictionary<string, List<CorpusItem>> _byCapability;

    private CapabilityCorpus(IEnumerable<CorpusItem> items)
    {
        _byCapability = items.GroupBy(i => i.Capability).ToDictionary(g => g.Key, g => g.ToList());
    }

    /// <summary>Builds the general corpus (everything the base learns).</summary>
    public static CapabilityCorpus General() => new(
        FactsGenerator.Generate()
            .Concat(ArithmeticGenerator.Generate())
            .Concat(InstructionsGenerator.Generate())
            .Concat(SafetyGenerator.Generate())
            .Concat(TextGenerator.Generate()));

    /// <summary>All items of one capability, in every split.</summary>
    public IReadOnlyList<CorpusItem> Items(string capability) =>
        _byCapability.TryGetValue(capability, out var items) ? items : [];

    /// <summary>Items of one capability in one split.</summary>
    public IReadOnlyList<CorpusItem> Items(string capability, CorpusSplit split) =>
        Items(capability).Where(i => i.Split == split).ToList();

    public IEnumerable<CorpusItem> All => _byCapability.Values.SelectMany(v => v);
}
