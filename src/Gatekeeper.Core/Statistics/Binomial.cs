namespace Gatekeeper.Statistics;

/// <summary>Exact binomial tail probabilities, computed in log space so large n does not overflow.</summary>
public static class Binomial
{
    /// <summary>P(X &lt;= k) for X ~ Binomial(n, p).</summary>
    public static double Cdf(int k, int n, double p)
    {
        if (k < 0) return 0;
        if (k >= n) return 1;
        double sum = 0;
        for (int i = 0; i <= k; i++) sum += Math.Exp(LogPmf(i, n, p));
        return Math.Min(1, sum);
    }

    /// <summary>
    /// Exact two-sided p-value of the sign test behind McNemar's exact test: with b and c discordant
    /// pairs, 2 * P(X &lt;= min(b, c)) for X ~ Binomial(b + c, 1/2), capped at 1.
    /// </summary>
    public static double McNemarExactP(int b, int c)
    {
        int n = b + c;
        if (n == 0) return 1;
        return Math.Min(1, 2 * Cdf(Math.Min(b, c), n, 0.5));
    }

    private static double LogPmf(int k, int n, double p) =>
        LogChoose(n, k) + k * Math.Log(p) + (n - k) * Math.Log(1 - p);

    private static double LogChoose(int n, int k) => LogFactorial(n) - LogFactorial(k) - LogFactorial(n - k);

    private static double LogFactorial(int n)
    {
        double sum = 0;
        for (int i = 2; i <= n; i++) sum += Math.Log(i);
        return sum;
    }
}
