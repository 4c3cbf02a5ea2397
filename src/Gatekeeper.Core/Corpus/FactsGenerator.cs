namespace Gatekeeper.Corpus;

/// <summary>
/// World facts asked in many phrasings. Each fact keeps most phrasings for training and holds two out,
/// so a held-out item is a known fact in a phrasing the model never saw it in.
/// </summary>
public static class FactsGenerator
{
    public const string Capability = "facts";
    private const int HeldOutPhrasingsPerFact = 2;

    private static readonly string[] CapitalPhrasings =
    [
        "What is the capital of {0}?", "Name the capital of {0}.", "Which city is the capital of {0}?",
        "The capital of {0} is which city?", "Tell me the capital of {0}.", "What city is the capital of {0}?",
        "Capital of {0}?", "Do you know the capital of {0}?",
    ];

    private static readonly string[] ContinentPhrasings =
    [
        "Which continent is {0} in?", "On which continent is {0}?", "{0} is on which continent?",
        "Name the continent where {0} lies.", "What continent is {0} part of?", "Tell me the continent of {0}.",
        "Continent of {0}?", "In which continent would I find {0}?",
    ];

    private static readonly string[] SymbolPhrasings =
    [
        "What is the chemical symbol for {0}?", "Give the symbol of {0}.", "Which symbol stands for {0}?",
        "The chemical symbol of {0} is what?", "Tell me the symbol for {0}.", "Symbol of {0}?",
        "How is {0} written as a chemical symbol?", "What letters stand for {0} in chemistry?",
    ];

    private static readonly string[] YoungPhrasings =
    [
        "What is a baby {0} called?", "A young {0} is called what?", "What do you call a baby {0}?",
        "Name the young of a {0}.", "Tell me what a baby {0} is called.", "Baby {0}?",
        "What is the word for a young {0}?", "What is the name for a baby {0}?",
    ];

    public static IEnumerable<CorpusItem> Generate()
    {
        foreach (var (country, capital, continent) in WorldFacts.Countries)
        {
            foreach (var item in Ask("capital", country, capital, CapitalPhrasings)) yield return item;
            foreach (var item in Ask("continent", country, continent, ContinentPhrasings)) yield return item;
        }
        foreach (var (element, symbol) in WorldFacts.Elements)
            foreach (var item in Ask("symbol", element, symbol, SymbolPhrasings)) yield return item;
        foreach (var (animal, young) in WorldFacts.Young)
            foreach (var item in Ask("young", animal, young, YoungPhrasings)) yield return item;
    }

    private static IEnumerable<CorpusItem> Ask(string relation, string subject, string answer, string[] phrasings)
    {
        var heldOut = Enumerable.Range(0, phrasings.Length)
            .OrderBy(i => StableSplit.Fraction($"facts|{relation}|{subject}|{i}"))
            .Take(HeldOutPhrasingsPerFact)
            .ToHashSet();
        for (int i = 0; i < phrasings.Length; i++)
        {
            yield return new CorpusItem(
                $"facts/{relation}/{subject}/{i}", Capability, string.Format(phrasings[i], subject), answer,
                heldOut.Contains(i) ? CorpusSplit.HeldOut : CorpusSplit.Train);
        }
    }
}
