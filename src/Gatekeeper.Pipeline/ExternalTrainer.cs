using System.ComponentModel;
using System.Diagnostics;
using Gatekeeper.Specs;

namespace Gatekeeper.Pipeline;

/// <summary>
/// Runs the spec's training command with the base, the data and an output folder, keeps its log
/// beside the report, and returns the folder it wrote. A command that cannot start, fails, times
/// out or writes no checkpoint is an infrastructure failure whose message shows the log's tail.
/// The output goes to a staging folder that replaces the candidate folder only on success.
/// </summary>
public static class ExternalTrainer
{
    private const int TailLines = 20;

    public static string Run(TrainCommandSpec spec, string baseDirectory, string outputDirectory, IGateObserver observer, CancellationToken cancellation)
    {
        var staging = AtomicFolder.Stage(outputDirectory);
        var log = Path.Combine(Path.GetDirectoryName(outputDirectory)!, "train.log");
        var values = new Dictionary<string, string>
        {
            ["{base}"] = Path.GetFullPath(baseDirectory), ["{data}"] = spec.Data, ["{replay}"] = spec.Replay ?? "", ["{output}"] = staging,
        };
        var start = new ProcessStartInfo(Substitute(spec.Command[0], values))
        {
            RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false,
            WorkingDirectory = Directory.GetCurrentDirectory(),
        };
        foreach (var argument in spec.Command.Skip(1)) start.ArgumentList.Add(Substitute(argument, values));
        start.Environment["GATEKEEPER_BASE"] = values["{base}"];
        start.Environment["GATEKEEPER_TRAIN_DATA"] = spec.Data;
        start.Environment["GATEKEEPER_REPLAY_DATA"] = spec.Replay ?? "";
        start.Environment["GATEKEEPER_OUTPUT"] = staging;

        observer.Stage($"Training with an external command: {string.Join(' ', start.ArgumentList.Prepend(start.FileName))} (log: {log}, timeout {spec.TimeoutMinutes:G4} min).");
        var tail = new Queue<string>();
        using var writer = new StreamWriter(log, append: false) { AutoFlush = true };
        void Line(string? line)
        {
            if (line is null) return;
            lock (tail)
            {
                writer.WriteLine(line);
                tail.Enqueue(line);
                if (tail.Count > TailLines) tail.Dequeue();
            }
            observer.Stage("  | " + line);
        }
        using var process = new Process { StartInfo = start };
        process.OutputDataReceived += (_, e) => Line(e.Data);
        process.ErrorDataReceived += (_, e) => Line(e.Data);
        try
        {
            process.Start();
        }
        catch (Win32Exception e)
        {
            throw new InfrastructureException($"the training command '{start.FileName}' could not start: {e.Message}. Check that it is installed and on PATH on this runner.", e);
        }
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();

        using var timeout = new CancellationTokenSource(TimeSpan.FromMinutes(spec.TimeoutMinutes));
        using var either = CancellationTokenSource.CreateLinkedTokenSource(timeout.Token, cancellation);
        try
        {
            process.WaitForExitAsync(either.Token).GetAwaiter().GetResult();
            process.WaitForExit();   // drains the output readers
        }
        catch (OperationCanceledException)
        {
            process.Kill(entireProcessTree: true);
            process.WaitForExit();
            if (cancellation.IsCancellationRequested) throw;
            throw new InfrastructureException($"the training command ran past its timeout of {spec.TimeoutMinutes:G4} minutes and was stopped. {Tail(log, tail)}");
        }
        if (process.ExitCode != 0)
            throw new InfrastructureException($"the training command exited with code {process.ExitCode}. {Tail(log, tail)}");
        if (!File.Exists(Path.Combine(staging, "config.json")) && !File.Exists(Path.Combine(staging, "adapter_config.json")))
            throw new InfrastructureException($"the training command succeeded but wrote no checkpoint into {{output}} ({staging}): it needs config.json and weights, or a PEFT adapter (adapter_config.json). {Tail(log, tail)}");

        AtomicFolder.Commit(staging, outputDirectory);
        return outputDirectory;
    }

    private static string Substitute(string text, Dictionary<string, string> values) =>
        values.Aggregate(text, (t, v) => t.Replace(v.Key, v.Value, StringComparison.Ordinal));

    private static string Tail(string log, Queue<string> tail)
    {
        lock (tail)
        {
            return tail.Count == 0 ? $"It printed nothing (log: {log})." : $"Last lines of {log}:\n" + string.Join('\n', tail.Select(l => "  | " + l));
        }
    }
}
