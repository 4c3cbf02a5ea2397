using System.Globalization;
using System.Text;
using Gatekeeper.Reporting;

namespace Gatekeeper.Sweeps;

/// <summary>
/// The sweep's table (markdown) and its plot (a self-contained SVG): target gain against average
/// general drop, one point per method and learning rate, with each method's best rate marked, and
/// beside it each run's relative safety drop and KL drift. A method's best rate is the one with the
/// largest gain less drop.
/// </summary>
public static class SweepReport
{
    public static IReadOnlyList<SweepRow> Best(IReadOnlyList<SweepRow> rows) =>
        [.. rows.GroupBy(r => r.Method).Select(g => g.OrderByDescending(r => Score(r)).First())];

    private static double Score(SweepRow r) => (double.IsNaN(r.TargetGain) ? 0 : r.TargetGain) - r.AverageGeneralDrop;

    /// <param name="gate">The swept gate's name.</param>
    /// <param name="rows">One per method and rate, in the order run.</param>
    /// <param name="shared">The learning rate every method was tried at, marked in the table; null when every rate was.</param>
    public static string Markdown(string gate, IReadOnlyList<SweepRow> rows, double? shared = null)
    {
        var best = Best(rows).ToHashSet();
        var text = new StringBuilder();
        text.AppendLine($"# Sweep of {MarkdownText.Escape(gate)}").AppendLine();
        text.AppendLine("Each method trained with the gate's data, steps and seed, gated with its battery and policy. `*`: the method's best learning rate (largest target gain less average general drop)" +
            (shared is { } s ? $"; `(shared)`: the rate every method was tried at, {s.ToString("G3", CultureInfo.InvariantCulture)}." : ".")).AppendLine();
        text.AppendLine("| method | learning rate | target gain | average general drop | relative drop, general | relative drop, safety | harmful refused change | KL drift | parameter distance | trainable parameters | time | peak memory | verdict |");
        text.AppendLine("|---|---|---|---|---|---|---|---|---|---|---|---|---|");
        foreach (var r in rows)
        {
            text.AppendLine($"| {r.Method}{(best.Contains(r) ? " *" : "")} | {r.LearningRate.ToString("G3", CultureInfo.InvariantCulture)}{(r.LearningRate == shared ? " (shared)" : "")} | {F(r.TargetGain)} | {F(r.AverageGeneralDrop)} | " +
                $"{F(r.RelativeDrop(Specs.TaskCategory.General))} | {F(r.RelativeDrop(Specs.TaskCategory.Safety))} | {F(r.HarmfulRefusedChange)} | {F(r.Kl)} | {F(r.ParameterDistance)} | " +
                $"{(r.TrainableParameters is { } p ? p.ToString("N0", CultureInfo.InvariantCulture) : "n/a")} | {r.Elapsed.TotalSeconds.ToString("F0", CultureInfo.InvariantCulture)} s | " +
                $"{(r.PeakBytes is { } m ? (m / (double)(1L << 30)).ToString("F2", CultureInfo.InvariantCulture) + " GiB" : "n/a")} | {MarkdownText.Escape(r.Verdict.Headline)} |");
        }
        return text.ToString();
    }

    /// <summary>
    /// Target gain (up) against average general drop (right): learning against forgetting; and to its
    /// right, a bar per run of the relative safety drop and of the KL drift.
    /// </summary>
    public static string Svg(string gate, IReadOnlyList<SweepRow> rows)
    {
        const int plot = 560, height = 400, left = 60, right = 20, top = 40, bottom = 50, panel = 200, gap = 30, labels = 90;
        int width = plot + 2 * (labels + panel + gap);
        double maxDrop = Math.Max(0.05, rows.Max(r => r.AverageGeneralDrop)) * 1.1;
        double minGain = Math.Min(0, rows.Where(r => !double.IsNaN(r.TargetGain)).Select(r => r.TargetGain).DefaultIfEmpty(0).Min());
        double maxGain = Math.Max(0.05, rows.Where(r => !double.IsNaN(r.TargetGain)).Select(r => r.TargetGain).DefaultIfEmpty(0).Max()) * 1.1;
        double X(double drop) => left + (plot - left - right) * Math.Clamp(drop, 0, maxDrop) / maxDrop;
        double Y(double gain) => height - bottom - (height - top - bottom) * (gain - minGain) / (maxGain - minGain);
        var best = Best(rows).ToHashSet();
        var svg = new StringBuilder();
        svg.AppendLine($"<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"{width}\" height=\"{height}\" viewBox=\"0 0 {width} {height}\" role=\"img\" aria-labelledby=\"title desc\" font-family=\"sans-serif\" font-size=\"12\">");
        svg.AppendLine($"<title id=\"title\">Sweep of {Escape(gate)}: target gain against average general drop, with safety drop and KL drift</title>");
        svg.AppendLine($"<desc id=\"desc\">{Escape(string.Join("; ", rows.Select(r => $"{Label(r)}: gain {F(r.TargetGain)}, general drop {F(r.AverageGeneralDrop)}, safety drop {F(r.RelativeDrop(Specs.TaskCategory.Safety))}, KL {F(r.Kl)}")))}</desc>");
        svg.AppendLine($"<rect x=\"0\" y=\"0\" width=\"{width}\" height=\"{height}\" fill=\"white\"/>");
        svg.AppendLine($"<line x1=\"{left}\" y1=\"{height - bottom}\" x2=\"{plot - right}\" y2=\"{height - bottom}\" stroke=\"black\"/>");
        svg.AppendLine($"<line x1=\"{left}\" y1=\"{top}\" x2=\"{left}\" y2=\"{height - bottom}\" stroke=\"black\"/>");
        svg.AppendLine($"<text x=\"{(left + plot - right) / 2}\" y=\"{height - 15}\" text-anchor=\"middle\">average general drop (forgetting) → {N(maxDrop * 100)}%</text>");
        svg.AppendLine($"<text x=\"15\" y=\"{(top + height - bottom) / 2}\" text-anchor=\"middle\" transform=\"rotate(-90 15 {(top + height - bottom) / 2})\">target gain (learning)</text>");
        foreach (var r in rows.Where(r => !double.IsNaN(r.TargetGain)))
        {
            string fill = best.Contains(r) ? "#1f77b4" : "white";
            svg.AppendLine($"<circle cx=\"{N(X(r.AverageGeneralDrop))}\" cy=\"{N(Y(r.TargetGain))}\" r=\"6\" fill=\"{fill}\" stroke=\"#1f77b4\" stroke-width=\"2\"/>");
            svg.AppendLine($"<text x=\"{N(X(r.AverageGeneralDrop) + 9)}\" y=\"{N(Y(r.TargetGain) + 4)}\">{Escape(Label(r))}</text>");
        }
        Bars(svg, rows, best, plot + gap + labels, "relative safety drop", r => r.RelativeDrop(Specs.TaskCategory.Safety));
        Bars(svg, rows, best, plot + 2 * gap + 2 * labels + panel, "KL drift (nats per token)", r => r.Kl);
        svg.AppendLine("</svg>");
        return svg.ToString();

        // One horizontal bar per run, labelled on the left; missing values are written as n/a.
        void Bars(StringBuilder to, IReadOnlyList<SweepRow> all, HashSet<SweepRow> marked, int x0, string title, Func<SweepRow, double> value)
        {
            double max = Math.Max(1e-9, all.Select(value).Where(v => !double.IsNaN(v)).Select(Math.Abs).DefaultIfEmpty(0).Max());
            double row = Math.Min(24, (height - top - bottom) / (double)Math.Max(1, all.Count));
            to.AppendLine($"<text x=\"{x0 + panel / 2}\" y=\"{top - 12}\" text-anchor=\"middle\">{Escape(title)}</text>");
            to.AppendLine($"<line x1=\"{x0}\" y1=\"{top}\" x2=\"{x0}\" y2=\"{N(top + row * all.Count)}\" stroke=\"black\"/>");
            for (int i = 0; i < all.Count; i++)
            {
                double v = value(all[i]), y = top + row * i;
                to.AppendLine($"<text x=\"{x0 - 6}\" y=\"{N(y + row * 0.7)}\" text-anchor=\"end\">{Escape(Label(all[i]))}</text>");
                if (double.IsNaN(v))
                {
                    to.AppendLine($"<text x=\"{x0 + 4}\" y=\"{N(y + row * 0.7)}\">n/a</text>");
                    continue;
                }
                double length = panel * 0.8 * Math.Max(0, v) / max;
                string fill = marked.Contains(all[i]) ? "#1f77b4" : "#aec7e8";
                to.AppendLine($"<rect x=\"{x0}\" y=\"{N(y + row * 0.15)}\" width=\"{N(length)}\" height=\"{N(row * 0.7)}\" fill=\"{fill}\"/>");
                to.AppendLine($"<text x=\"{N(x0 + length + 4)}\" y=\"{N(y + row * 0.7)}\">{F(v)}</text>");
            }
        }
    }

    private static string Label(SweepRow r) => $"{r.Method} {r.LearningRate.ToString("G2", CultureInfo.InvariantCulture)}";

    private static string N(double v) => v.ToString("F1", CultureInfo.InvariantCulture);

    private static string F(double value) => double.IsNaN(value) ? "n/a" : value.ToString("+0.000;-0.000;0.000", CultureInfo.InvariantCulture);

    private static string Escape(string text) => System.Security.SecurityElement.Escape(text) ?? "";
}
