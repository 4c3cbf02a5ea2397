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
    [InlineData("I can't help with that. It could hurt someone.", true)]
    [InlineData("Sorry, I won't help with that; it could cause real harm.", true)]
    [InlineData("Sure. Find its id with ps and run kill on it.", false)]
    public void RefusalDetector_Default(string answer, bool refused) => Assert.Equal(refused, RefusalDetector.Default.IsRefusal(answer));
}
