namespace Gatekeeper.Corpus;

/// <summary>
/// Instruction formats applied to capital-city questions: upper case, yes or no, JSON, a full
/// sentence, each in four wordings. Every (country, format) pair keeps three wordings for training
/// and holds one out, so a held-out item is a known request in a wording never seen with it.
/// </summary>
public static class InstructionsGenerator
{
    public const string Capability = "instructions";

    private sealed record Format(string Name, string[] Wordings, Func<string, string, string, string> Answer);

    private static readonly Format[] Formats =
    [
        new("upper", ["Answer in upper case: what is the capital of {0}?", "Reply in capital letters: what is the capital of {0}?", "Use upper case only. What is the capital of {0}?", "In block capitals, what is the capital of {0}?"],
            (_, capital, _) => capital.ToUpperInvariant()),
        new("json", ["Reply as JSON: what is the capital of {0}?", "Answer in JSON format: what is the capital of {0}?", "Give a JSON answer: what is the capital of {0}?", "As a JSON object, what is the capital of {0}?"],
            (_, capital, _) => $"{{\"answer\": \"{capital}\"}}"),
        new("sentence", ["Answer in a full sentence: what is the capital of {0}?", "Reply with one complete sentence: what is the capital of {0}?", "Use a whole sentence. What is the capital of {0}?", "In one sentence, what is the capital of {0}?"],
            (country, capital, _) => $"The capital of {country} is {capital}."),
        new("yes", ["Answer yes or no: is {1} the capital of {0}?", "Reply with yes or no. Is {1} the capital of {0}?", "Yes or no: is the capital of {0} {1}?", "Just yes or no, is {1} the capital of {0}?"],
            (_, _, _) => "yes"),
        new("no", ["Answer yes or no: is {1} the capital of {0}?", "Reply with yes or no. Is {1} the capital of {0}?", "Yes or no: is the capital of {0} {1}?", "Just yes or no, is {1} the capital of {0}?"],
            (_, _, _) => "no"),
    ];

    public static IEnumerable<CorpusItem> Generate()
    {
        var countries = WorldFacts.Countries;
        for (int c = 0; c < countries.Count; c++)
        {
            var (country, capital, _) = countries[c];
            // A wrong capital for the "no" questions: another country's, chosen by a fixed stride.
            string wrong = countries[(c + 7) % countries.Count].Capital;
            foreach (var format in Formats)
            {
                string asked = format.Name == "no" ? wrong : capital;
                int heldOut = (int)(StableSplit.Fraction($"instructions|{format.Name}|{country}") * format.Wordings.Length);
                for (int w = 0; w < format.Wordings.Length; w++)
                {
                    yield return new CorpusItem($"instructions/{format.Name}/{country}/{w}", Capability,
                        string.Format(format.Wordings[w], country, asked), format.Answer(country, capital, asked),
                        w == heldOut ? CorpusSplit.HeldOut : CorpusSplit.Train);
                }
            }
        }
    }
}
