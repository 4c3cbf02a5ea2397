namespace Gatekeeper.Statistics;

/// <summary>The 2x2 table of paired binary outcomes: right for both, for the base only, for the candidate only, for neither.</summary>
public readonly record struct PairedCounts(int Both, int BaseOnly, int CandidateOnly, int Neither)
{
    public int N => Both + BaseOnly + CandidateOnly + Neither;

    public static PairedCounts From(IEnumerable<(bool Base, bool Candidate)> pairs)
    {
        int both = 0, baseOnly = 0, candidateOnly = 0, neither = 0;
        foreach (var (b, c) in pairs)
        {
            if (b && c) both++;
            else if (b) baseOnly++;
            else if (c) candidateOnly++;
            else neither++;
        }
        return new PairedCounts(both, baseOnly, candidateOnly, neither);
    }
}
