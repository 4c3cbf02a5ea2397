using System.Diagnostics;
using Gatekeeper.Specs;
using Gatekeeper.Sweeps;

namespace Gatekeeper.Pipeline;

/// <summary>
/// Trains and gates every method of a sweep in turn, with the gate's battery and policy, and
/// writes the table and the plot. Each variant is a whole gate run with its own output folder and
/// MLflow experiment, so any one can be opened or rerun alone; reruns reuse trained candidates.
/// Without rates it tries the spec's rate with every method and then each method's grid.
/// </summary>
public static class SweepRunner
{
    public sealed record Result(IReadOnlyList<SweepRow> Rows, string TablePath, string PlotPath, string PagePath);

    public static Result Run(GateSpec spec, IReadOnlyList<string> methods, IReadOnlyList<double>? learningRates, GateRunOptions options,
        IGateObserver observer, CancellationToken cancellation = default)
    {
        var variants = SweepVariants.For(spec, methods, learningRates);
        var folder = Path.GetFullPath(options.OutputDirectory ?? Path.Combine("out", spec.Name + ".sweep"));
        Directory.CreateDirectory(folder);
        var rows = new List<SweepRow>();
        for (int i = 0; i < variants.Count; i++)
        {
            var (method, rate, variant) = variants[i];
            observer.Stage($"Sweep {i + 1} of {variants.Count}: {method} at learning rate {rate:G3}.");
            bool measured = ProcessMemory.ResetPeak();
            var clock = Stopwatch.StartNew();
            var run = GateRunner.Run(variant, options with { OutputDirectory = Path.Combine(folder, VariantFolder(method, rate)) }, observer, cancellation);
            rows.Add(new SweepRow(method, rate, run.Verdict, clock.Elapsed)
            {
                TrainableParameters = run.Report.Training?.TrainableParameters,
                PeakBytes = measured ? ProcessMemory.PeakBytes() : null,
            });
            observer.Stage($"Sweep {i + 1} of {variants.Count}: {method} at {rate:G3}: {run.Verdict.Headline}.");
        }
        var table = Path.Combine(folder, "sweep.md");
        var plot = Path.Combine(folder, "sweep.svg");
        double? shared = learningRates is null ? spec.Train!.LearningRate : null;
        AtomicFile.WriteAllText(table, SweepReport.Markdown(spec.Name, rows, shared));
        AtomicFile.WriteAllText(plot, SweepReport.Svg(spec.Name, rows));
        var page = Path.Combine(folder, "sweep.html");
        AtomicFile.WriteAllText(page, SweepReport.Html(spec.Name, rows, r => $"{VariantFolder(r.Method, r.LearningRate)}/{Sinks.ReportFilesSink.HtmlFile}", shared));
        return new Result(rows, table, plot, page);
    }

    /// <summary>Where one variant's gate writes, inside the sweep's folder.</summary>
    private static string VariantFolder(string method, double rate) => string.Create(System.Globalization.CultureInfo.InvariantCulture, $"{method}-lr{rate:G3}");
}
