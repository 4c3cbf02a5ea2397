namespace Gatekeeper.Corpus;

/// <summary>
/// Addition and subtraction of whole numbers below 100 (differences never negative). A tenth of the
/// operand pairs is held out in every phrasing, so held-out items test arithmetic, not memory.
/// </summary>
public static class ArithmeticGenerator
{
    public const string Capability = "arithmetic";
    private const double HeldOutFraction = 0.1;

    private static readonly string[] AddPhrasings = ["What is {0} + {1}?", "What is {0} plus {1}?", "Add {0} and {1}.", "{0} + {1} ="];
    private static readonly string[] SubtractPhrasings = ["What is {0} - {1}?", "What is {0} minus {1}?", "Subtract {1} from {0}.", "{0} - {1} ="];

    public static IEnumerable<CorpusItem> Generate()
    {
        for (int a = 0; a < 100; a++)
        {
            for (int b = 0; b < 100; b++)
            {
                foreach (var item in Pair("add", a, b, a + b, AddPhrasings)) yield return item;
                if (a >= b)
                    foreach (var item in Pair("sub", a, b, a - b, SubtractPhrasings)) yield return item;
            }
        }
    }

    private static IEnumerable<CorpusItem> Pair(string op, int a, int b, int result, string[] phrasings)
    {
        var split = StableSplit.Take($"arithmetic|{op}|{a}|{b}", HeldOutFraction) ? CorpusSplit.HeldOut : CorpusSplit.Train;
        for (int i = 0; i < phrasings.Length; i++)
        {
            yield return new CorpusItem($"arithmetic/{op}/{a}/{b}/{i}", Capability,
                string.Format(phrasings[i], a, b), result.ToString(System.Globalization.CultureInfo.InvariantCulture), split);
        }
    }
}
