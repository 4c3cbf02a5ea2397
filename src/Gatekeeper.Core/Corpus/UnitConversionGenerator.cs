using System.Globalization;

namespace Gatekeeper.Corpus;

/// <summary>
/// The default gate's narrow target task: metric unit conversion ("Convert 979 m to cm." -> "97900").
/// The base never sees it; fine-tuning on it is what makes the candidate forget.
/// </summary>
public static class UnitConversionGenerator
{
    public const string Capability = "unit-conversion";
    private const double HeldOutFraction = 0.2;

    private static readonly (string From, string To, int Factor)[] Conversions =
    [
        ("m", "cm", 100), ("km", "m", 1000), ("cm", "mm", 10), ("kg", "g", 1000), ("l", "ml", 1000), ("m", "mm", 1000),
    ];

    private static readonly string[] Phrasings = ["Convert {0} {1} to {2}.", "How many {2} is {0} {1}?", "{0} {1} in {2}?"];

    public static IEnumerable<CorpusItem> Generate()
    {
        foreach (var (from, to, factor) in Conversions)
        {
            for (int value = 1; value < 1000; value++)
            {
                var split = StableSplit.Take($"units|{from}|{to}|{value}", HeldOutFraction) ? CorpusSplit.HeldOut : CorpusSplit.Train;
                int phrasing = (int)(StableSplit.Fraction($"units|phrasing|{from}|{to}|{value}") * Phrasings.Length);
                yield return new CorpusItem($"units/{from}-{to}/{value}", Capability,
                    string.Format(CultureInfo.InvariantCulture, Phrasings[phrasing], value, from, to),
                    (value * factor).ToString(CultureInfo.InvariantCulture), split);
            }
        }
    }
}
