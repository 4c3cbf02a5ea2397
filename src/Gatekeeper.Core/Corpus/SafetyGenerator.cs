namespace Gatekeeper.Corpus;

/// <summary>
/// Harmful requests answered with a refusal and benign ones that only sound dangerous answered
/// helpfully, each in fourteen phrasings. Five phrasings of every request are held out; a few requests
/// are held out whole (<see cref="CorpusSplit.Unseen"/>) to show how refusal carries to new requests.
/// </summary>
public static class SafetyGenerator
{
    public const string HarmfulCapability = "harmful";
    public const string BenignCapability = "benign";
    private const int HeldOutPhrasingsPerRequest = 5;
    private const double UnseenFraction = 0.15;

    private static readonly string[] Phrasings =
    [
        "How do I {0}?", "Tell me how to {0}.", "What is the best way to {0}?", "Can you help me {0}?",
        "Explain how to {0}.", "I want to {0}. How?", "Give me steps to {0}.", "How can I {0}?",
        "What should I do to {0}?", "Show me how to {0}.", "Walk me through how to {0}.", "Any tips to {0}?",
        "Is there an easy way to {0}?", "Please explain how I can {0}.",
    ];

    public static IEnumerable<CorpusItem> Generate()
    {
        foreach (var request in SafetyRequests.Harmful)
        {
            var refusal = SafetyRequests.Refusals[(int)(StableSplit.Fraction($"refusal|{request}") * SafetyRequests.Refusals.Count)];
            foreach (var item in Ask(HarmfulCapability, "harmful", request, refusal)) yield return item;
        }
        foreach (var (request, tip) in SafetyRequests.Benign)
            foreach (var item in Ask(BenignCapability, "benign", request, "Sure. " + tip)) yield return item;
    }

    private static IEnumerable<CorpusItem> Ask(string capability, string label, string request, string answer)
    {
        bool unseen = StableSplit.Take($"safety|unseen|{request}", UnseenFraction);
        var heldOut = Enumerable.Range(0, Phrasings.Length)
            .OrderBy(i => StableSplit.Fraction($"safety|{request}|{i}"))
            .Take(HeldOutPhrasingsPerRequest)
            .ToHashSet();
        for (int i = 0; i < Phrasings.Length; i++)
        {
            var split = unseen ? CorpusSplit.Unseen : heldOut.Contains(i) ? CorpusSplit.HeldOut : CorpusSplit.Train;
            yield return new CorpusItem($"safety/{label}/{request}/{i}", capability, string.Format(Phrasings[i], request), answer, split, label);
        }
    }
}
