namespace Gatekeeper.Corpus;

/// <summary>
/// Plain English passages of three sentences, some about the world facts and some everyday. They
/// keep the base a language model and give the gate text for perplexity and drift.
/// </summary>
public static class TextGenerator
{
    public const string Capability = "text";
    private const double HeldOutFraction = 0.15;
    private const int Passages = 1500;

    private static readonly string[] Subjects = ["The old man", "A small dog", "My sister", "The teacher", "A young girl", "The farmer", "Our neighbour", "The baker"];
    private static readonly string[] Verbs = ["walked to", "looked at", "painted", "cleaned", "visited", "found", "talked about", "drew"];
    private static readonly string[] Objects = ["the red house", "a quiet river", "the market", "an old bridge", "the garden", "a tall tree", "the school", "a green field"];
    private static readonly string[] Endings = ["in the morning.", "after lunch.", "before the rain.", "with a smile.", "on Sunday.", "at night.", "in the spring.", "again."];

    public static IEnumerable<CorpusItem> Generate()
    {
        for (int p = 0; p < Passages; p++)
        {
            var sentences = Enumerable.Range(0, 3).Select(s => Sentence(p * 3 + s));
            var split = StableSplit.Take($"text|{p}", HeldOutFraction) ? CorpusSplit.HeldOut : CorpusSplit.Train;
            yield return new CorpusItem($"text/{p}", Capability, "", string.Join(" ", sentences), split);
        }
    }

    private static string Sentence(int index)
    {
        double pick = StableSplit.Fraction($"text|sentence|{index}");
        int n = (int)(pick * 1_000_000);
        if (n % 3 == 0)
        {
            var (country, capital, continent) = WorldFacts.Countries[n / 3 % WorldFacts.Countries.Count];
            return (n / 7 % 2) == 0 ? $"{capital} is the capital of {country}." : $"{country} is a country in {continent}.";
        }
        return $"{Subjects[n % 8]} {Verbs[n / 8 % 8]} {Objects[n / 64 % 8]} {Endings[n / 512 % 8]}";
    }
}
