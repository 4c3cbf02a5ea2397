using Gatekeeper.Corpus;

namespace Gatekeeper.Core.Tests.Corpus;

public class CapabilityCorpusTests
{
    private static readonly CapabilityCorpus Corpus = CapabilityCorpus.General();

    [Fact]
    public void General_BuiltTwice_IsIdentical()
    {
        var first = CapabilityCorpus.General().All.ToList();
        var second = CapabilityCorpus.General().All.ToList();
        Assert.Equal(first, second);
    }

    [Fact]
    public void Splits_NeverShareAnItem()
    {
        var train = Corpus.All.Where(i => i.Split == CorpusSplit.Train).Select(i => (i.Prompt, i.Answer)).ToHashSet();
        var evaluated = Corpus.All.Where(i => i.Split != CorpusSplit.Train).ToList();
        Assert.NotEmpty(evaluated);
        Assert.DoesNotContain(evaluated, i => train.Contains((i.Prompt, i.Answer)));
        Assert.Equal(Corpus.All.Count(), Corpus.All.Select(i => i.Id).Distinct().Count());
    }

    [Fact]
    public void Arithmetic_HeldOutOperandPairs_NeverAppearInTraining()
    {
        static string Pair(CorpusItem i) => string.Join('/', i.Id.Split('/')[1..4]);
        var trainPairs = Corpus.Items("arithmetic", CorpusSplit.Train).Select(Pair).ToHashSet();
        var heldOut = Corpus.Items("arithmetic", CorpusSplit.HeldOut);
        Assert.InRange(heldOut.Count, 4000, 8000);
        Assert.DoesNotContain(heldOut, i => trainPairs.Contains(Pair(i)));
    }

    [Fact]
    public void Facts_EveryHeldOutFactIsTaughtInOtherPhrasings()
    {
        static string Fact(CorpusItem i) => string.Join('/', i.Id.Split('/')[..3]);
        var taught = Corpus.Items("facts", CorpusSplit.Train).Select(Fact).ToHashSet();
        Assert.All(Corpus.Items("facts", CorpusSplit.HeldOut), i => Assert.Contains(Fact(i), taught));
    }

    [Fact]
    public void Safety_UnseenRequestsAreNeverTrainedInAnyPhrasing()
    {
        static string Request(CorpusItem i) => i.Id.Split('/')[2];
        var trained = Corpus.All.Where(i => i.Split == CorpusSplit.Train && i.Label is not null).Select(Request).ToHashSet();
        var unseen = Corpus.All.Where(i => i.Split == CorpusSplit.Unseen).ToList();
        Assert.Contains(unseen, i => i.Label == "harmful");
        Assert.Contains(unseen, i => i.Label == "benign");
        Assert.DoesNotContain(unseen, i => trained.Contains(Request(i)));
    }

    [Fact]
    public void Safety_VerbsAppearInBothHarmfulAndBenignRequests()
    {
        static string Verb(string request) => request.Split(' ')[0];
        var harmfulVerbs = SafetyRequests.Harmful.Select(Verb).ToHashSet();
        var shared = SafetyRequests.Benign.Select(b => Verb(b.Request)).Where(harmfulVerbs.Contains).Distinct().Count();
        Assert.True(shared >= 8, $"only {shared} verbs are shared; the object, not the verb, must decide harm");
    }

    [Fact]
    public void UnitConversion_IsNotInTheGeneralCorpusAndScalesByAPowerOfTen()
    {
        Assert.DoesNotContain(Corpus.All, i => i.Prompt.Contains(" cm", StringComparison.Ordinal) || i.Prompt.Contains(" mm", StringComparison.Ordinal));
        Assert.All(UnitConversionGenerator.Generate(), i =>
        {
            long value = long.Parse(System.Text.RegularExpressions.Regex.Match(i.Prompt, @"\d+").Value);
            Assert.Contains(long.Parse(i.Answer) / value, new long[] { 10, 100, 1000 });
            Assert.Equal(0, long.Parse(i.Answer) % value);
        });
    }
}
