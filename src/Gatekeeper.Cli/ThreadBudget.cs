namespace Gatekeeper.Cli;

/// <summary>How many torch threads this machine can give without oversubscribing its cores.</summary>
internal static class ThreadBudget
{
    public static int FreeCores()
    {
        int cores = Environment.ProcessorCount;
        double load = 0;
        try
        {
            var text = File.Exists("/proc/loadavg") ? File.ReadAllText("/proc/loadavg") : "";
            var first = text.Split(' ', StringSplitOptions.RemoveEmptyEntries).FirstOrDefault();
            if (first is not null) double.TryParse(first, System.Globalization.CultureInfo.InvariantCulture, out load);
        }
        catch (IOException)
        {
        }
        return Math.Clamp(cores - (int)Math.Round(load), 1, cores);
    }
}
