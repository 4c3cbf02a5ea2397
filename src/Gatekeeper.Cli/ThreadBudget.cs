using System.Globalization;

namespace Gatekeeper.Cli;

/// <summary>How many torch threads this machine can give without oversubscribing its cores.</summary>
internal static class ThreadBudget
{
    /// <summary>
    /// Cores idle right now, sampled from /proc/stat over a short window (the load average lags by
    /// a minute, so it still counts the build that just finished). At least 1; all cores where
    /// /proc/stat is not available.
    /// </summary>
    public static int FreeCores()
    {
        int cores = Environment.ProcessorCount;
        if (ReadCpu() is not { } first) return cores;
        Thread.Sleep(250);
        if (ReadCpu() is not { } second) return cores;
        double total = second.Total - first.Total;
        if (total <= 0) return cores;
        double idleFraction = (second.Idle - first.Idle) / total;
        return Math.Clamp((int)Math.Round(idleFraction * cores), 1, cores);
    }

    private static (double Idle, double Total)? ReadCpu()
    {
        try
        {
            var line = File.ReadLines("/proc/stat").FirstOrDefault(l => l.StartsWith("cpu ", StringComparison.Ordinal));
            if (line is null) return null;
            var values = line.Split(' ', StringSplitOptions.RemoveEmptyEntries).Skip(1)
                .Select(v => double.Parse(v, CultureInfo.InvariantCulture)).ToArray();
            // user nice system idle iowait irq softirq steal ...: idle and iowait are free time.
            return (values[3] + (values.Length > 4 ? values[4] : 0), values.Sum());
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException or FormatException)
        {
            return null;
        }
    }
}
