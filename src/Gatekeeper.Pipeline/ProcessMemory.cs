using System.Globalization;

namespace Gatekeeper.Pipeline;

/// <summary>This process's peak resident memory (Linux's VmHWM), and resetting it so each stage can be measured alone.</summary>
public static class ProcessMemory
{
    private const string Status = "/proc/self/status";

    /// <summary>Peak resident bytes since the start or the last <see cref="ResetPeak"/>; null where the system does not say.</summary>
    public static long? PeakBytes()
    {
        if (!File.Exists(Status)) return null;
        var line = File.ReadLines(Status).FirstOrDefault(l => l.StartsWith("VmHWM:", StringComparison.Ordinal));
        var kilobytes = line?.Split(' ', StringSplitOptions.RemoveEmptyEntries).ElementAtOrDefault(1);
        return long.TryParse(kilobytes, NumberStyles.Integer, CultureInfo.InvariantCulture, out long kb) ? kb * 1024 : null;
    }

    /// <summary>Starts the peak afresh from the current resident size (writing 5 to clear_refs, Linux 4.0 and later); false where it cannot.</summary>
    public static bool ResetPeak()
    {
        try
        {
            File.WriteAllText("/proc/self/clear_refs", "5");
            return true;
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            return false;
        }
    }
}
