using System.Globalization;

namespace Gatekeeper.Cli;

/// <summary>How many torch threads this machine can give without oversubscribing its cores.</summary>
internal static class ThreadBudget
{
    /// <summary>
    /// Cores not used by other processes right now, sampled from /proc/stat over a short window
    /// (the load average lags by a minute, so it still counts the build that just finished). This
    /// process's own start-up work counts as free. At least 1; all cores where /proc is unavailable.
    /// </summary>
    public static int FreeCores()
    {
        int cores = Environment.ProcessorCount;
        if (ReadCpu() is not { } first || OwnTicks() is not { } ownFirst) return cores;
        Thread.Sleep(300);
        if (ReadCpu() is not { } second || OwnTicks() is not { } ownSecond) return cores;
        double total = second.Total - first.Total;
        if (total <= 0) return cores;
        double freeFraction = (second.Idle - first.Idle + ownSecond - ownFirst) / total;
        // A core counts as taken only when others keep most of it busy: a launcher such as
        // `dotnet run` waiting on this process uses a fraction of one.
        double othersBusy = (1 - freeFraction) * cores;
        return Math.Clamp(cores - (int)Math.Floor(othersBusy + 0.25), 1, cores);
    }

    /// <summary>
    /// CPU time of this process and of its parent (a launcher such as `dotnet run`), in the same
    /// clock ticks as /proc/stat.
    /// </summary>
    private static double? OwnTicks()
    {
        var own = ReadTicks("/proc/self/stat");
        if (own is not { } self) return null;
        return self.Ticks + (ReadTicks($"/proc/{self.Parent}/stat")?.Ticks ?? 0);
    }

    private static (double Ticks, int Parent)? ReadTicks(string path)
    {
        try
        {
            var text = File.ReadAllText(path);
            // Fields after the parenthesised command name: state 3, ppid 4, utime 14, stime 15.
            var fields = text[(text.LastIndexOf(')') + 2)..].Split(' ');
            return (double.Parse(fields[11], CultureInfo.InvariantCulture) + double.Parse(fields[12], CultureInfo.InvariantCulture),
                int.Parse(fields[1], CultureInfo.InvariantCulture));
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException or FormatException or IndexOutOfRangeException or ArgumentOutOfRangeException)
        {
            return null;
        }
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
