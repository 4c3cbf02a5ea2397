using Gatekeeper.Statistics;

namespace Gatekeeper.Core.Tests.Statistics;

public class BinomialTests
{
    // Hand-computed: with n = b + c discordant pairs, p = 2 * sum_{i <= min(b,c)} C(n, i) / 2^n, capped at 1.
    [Theory]
    [InlineData(0, 5, 2.0 / 32)]            // 2 * 1/32
    [InlineData(1, 9, 2.0 * 11 / 1024)]     // 2 * (1 + 10)/1024
    [InlineData(9, 1, 2.0 * 11 / 1024)]     // symmetric
    [InlineData(2, 8, 2.0 * 56 / 1024)]     // 2 * (1 + 10 + 45)/1024
    [InlineData(5, 5, 1.0)]                 // capped
    [InlineData(0, 0, 1.0)]                 // no discordant pairs: no evidence of a difference
    [InlineData(0, 20, 2.0 / 1048576)]      // 2 / 2^20
    public void McNemarExactP_MatchesHandComputedValues(int b, int c, double expected)
    {
        Assert.Equal(expected, Binomial.McNemarExactP(b, c), 12);
    }

    [Fact]
    public void McNemarExactP_LargeCounts_DoNotOverflow()
    {
        double p = Binomial.McNemarExactP(400, 600);
        Assert.InRange(p, 1e-12, 1e-8);
    }
}
