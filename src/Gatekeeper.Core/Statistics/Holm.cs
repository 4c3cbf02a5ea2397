namespace Gatekeeper.Statistics;

/// <summary>Holm's step-down adjustment of p-values for a family of tests (Holm 1979).</summary>
public static class Holm
{
    /// <summary>Adjusted p-values in the input's order; each is at least its raw value and at most 1.</summary>
    public static double[] Adjust(IReadOnlyList<double> pValues)
    {
        int m = pValues.Count;
        var order = Enumerable.Range(0, m).OrderBy(i => pValues[i]).ToArray();
        var adjusted = new double[m];
        double running = 0;
        for (int rank = 0; rank < m; rank++)
        {
            int i = order[rank];
            running = Math.Max(running, Math.Min(1, (m - rank) * pValues[i]));
            adjusted[i] = running;
        }
        return adjusted;
    }
}
