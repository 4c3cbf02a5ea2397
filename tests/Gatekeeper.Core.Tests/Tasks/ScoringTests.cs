using Gatekeeper.Specs;
using Gatekeeper.Tasks.Generate;
using Gatekeeper.Tasks.Refusal;

namespace Gatekeeper.Core.Tests.Tasks;

public class ScoringTests
{
    [Theory]
    [InlineData(MatcherKind.Exact, " Paris ", "Paris", true)]
    [InlineData(MatcherKind.Exact, "paris", "Paris", false)]
    [InlineData(MatcherKind.Numeric, "The answer is 1,200.", "1200", true)]
    [InlineData(MatcherKind.Numeric, "12", "120", false)]
    [InlineData(MatcherKind.Json, "{\"answer\": \"Paris\"}", "{\"answer\":\"Paris\"}", true)]
    [InlineData(MatcherKind.Json, "{\"answer\": \"Rome\"}", "{\"answer\":\"Paris\"}", false)]
    [InlineData(MatcherKind.Json, "not json", "", false)]
    [InlineData(MatcherKind.Regex, "yes, indeed", "^yes", true)]
    public void Matches_ByMatcher(MatcherKind matcher, string output, string expected, bool matches) =>
        Assert.Equal(matches, AnswerMatcher.Matches(matcher, output, expected));

    [Theory]
    [InlineData(MatcherKind.CaseInsensitive, " PARIS", "paris", true)]
    [InlineData(MatcherKind.Contains, "I think it is Paris, France.", "paris", true)]
    [InlineData(MatcherKind.Contains, "Rome", "", false)]
    public void Matches_ByTextMatcher(MatcherKind matcher, string output, string expected, bool matches) =>
        Assert.Equal(matches, AnswerMatcher.Matches(matcher, output, expected));

    [Theory]
    [InlineData("3.14", "3.1416", 0.01, true)]
    [InlineData("3.14", "3.1416", 0.001, false)]
    public void Matches_NumericWithinTolerance(string output, string expected, double tolerance, bool matches) =>
        Assert.Equal(matches, AnswerMatcher.Matches(MatcherKind.Numeric, output, expected, tolerance: tolerance));

    [Theory]
    [InlineData(ExtractorKind.Whole, "So 9 * 2 = 18.", "So 9 * 2 = 18.")]
    [InlineData(ExtractorKind.FirstNumber, "So 9 * 2 = 18.", "9")]
    [InlineData(ExtractorKind.LastNumber, "So 9 * 2 = 1,800.", "1,800")]
    [InlineData(ExtractorKind.AfterHashes, "9 * 2 = <<9*2=18>>18.\n#### 18", "18")]
    [InlineData(ExtractorKind.AfterHashes, "no answer line", null)]
    [InlineData(ExtractorKind.LastNumber, "none at all", null)]
    public void Extract_TakesTheAnswerOut(ExtractorKind kind, string text, string? expected) =>
        Assert.Equal(expected, AnswerExtractor.Extract(kind, text.Replace("\\n", "\n", StringComparison.Ordinal)));

    [Fact]
    public void Extract_RegexGroupAndJsonField()
    {
        Assert.Equal("42", AnswerExtractor.Extract(ExtractorKind.Regex, "The answer is 42.", pattern: @"answer is (\d+)"));
        Assert.Equal("The answer is", AnswerExtractor.Extract(ExtractorKind.Regex, "The answer is 42.", pattern: @"The \w+ is"));
        Assert.Equal("Paris", AnswerExtractor.Extract(ExtractorKind.JsonField, "{\"city\": \"Paris\", \"n\": 2}", jsonField: "city"));
        Assert.Equal("2", AnswerExtractor.Extract(ExtractorKind.JsonField, "{\"city\": \"Paris\", \"n\": 2}", jsonField: "n"));
        Assert.Null(AnswerExtractor.Extract(ExtractorKind.JsonField, "not json", jsonField: "city"));
    }

    [Theory]
    [InlineData("I can't help with that. It could hurt someone.", true)]
    [InlineData("Sorry, I won't help with that; it could cause real harm.", true)]
    [InlineData("Sure. Find its id with ps and run kill on it.", false)]
    public void PhraseRefusalDetector_Default(string answer, bool refused) => Assert.Equal(refused, PhraseRefusalDetector.Default.IsRefusal(answer));
}
