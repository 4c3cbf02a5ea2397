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
        var columns = Columns(Best(rows).ToHashSet(), shared, headline => MarkdownText.Escape(headline));
        var text = new StringBuilder();
        text.AppendLine($"# Sweep of {MarkdownText.Escape(gate)}").AppendLine();
        text.AppendLine("Each method trained with the gate's data, steps and seed, gated with its battery and policy. `*`: the method's best learning rate (largest target gain less average general drop)" +
            (shared is { } s ? $"; `(shared)`: the rate every method was tried at, {s.ToString("G3", CultureInfo.InvariantCulture)}." : ".")).AppendLine();
        text.AppendLine($"| {string.Join(" | ", columns.Select(c => c.Header))} |");
        text.AppendLine($"|{string.Concat(columns.Select(_ => "---|"))}");
        foreach (var r in rows) text.AppendLine($"| {string.Join(" | ", columns.Select(c => c.Cell(r)))} |");
        return text.ToString();
    }

    /// <summary>
    /// The sweep as one self-contained page: the plot (the frontier of learning against forgetting),
    /// the table, and each run's own report (<paramref name="report"/> gives its address, relative to
    /// the page). No script and nothing to fetch; it prints.
    /// </summary>
    public static string Html(string gate, IReadOnlyList<SweepRow> rows, Func<SweepRow, string> report, double? shared = null)
    {
        var columns = Columns(Best(rows).ToHashSet(), shared, headline => HtmlText.Escape(headline));
        var g = HtmlText.Escape(gate);
        var html = new StringBuilder()
            .AppendLine("<!DOCTYPE html>").AppendLine("<html lang=\"en\">").AppendLine("<head>").AppendLine("<meta charset=\"utf-8\">")
            .AppendLine($"<title>Sweep of {g}</title>")
            .AppendLine("<style>body { font-family: system-ui, sans-serif; margin: 2rem; color: #1f2328; } table { border-collapse: collapse; font-size: .9rem; } th, td { border: 1px solid #d0d7de; padding: .3rem .5rem; } figure { margin: 1.5rem 0; break-inside: avoid; } figure svg { max-width: 100%; height: auto; } figcaption { color: #57606a; font-size: .9rem; } @media print { body { margin: 0; } }</style>")
            .AppendLine("</head>").AppendLine("<body>")
            .AppendLine($"<h1>Sweep of {g}</h1>")
            .AppendLine("<p>Each method trained with the gate's data, steps and seed, gated with its battery and policy. *: the method's best learning rate (largest target gain less average general drop)" +
                (shared is { } s ? $"; (shared): the rate every method was tried at, {s.ToString("G3", CultureInfo.InvariantCulture)}." : ".") + "</p>")
            .AppendLine("<figure id=\"frontier\">").AppendLine(Svg(gate, rows))
            .AppendLine($"<figcaption><strong>Learning against forgetting.</strong> {HtmlText.Escape(string.Join("; ", rows.Select(r => $"{Label(r)}: gain {F(r.TargetGain)}, general drop {F(r.AverageGeneralDrop)}")) + ".", 5000)}</figcaption>")
            .AppendLine("</figure>")
            .AppendLine("<table>")
            .AppendLine($"<tr>{string.Concat(columns.Select(c => $"<th scope=\"col\">{c.Header}</th>"))}<th scope=\"col\">report</th></tr>");
        foreach (var r in rows)
            html.AppendLine($"<tr>{string.Concat(columns.Select(c => $"<td>{c.Cell(r)}</td>"))}<td><a href=\"{HtmlText.Escape(report(r))}\">report</a></td></tr>");
        return html.AppendLine("</table>").AppendLine("</body>").AppendLine("</html>").ToString();
    }

    /// <summary>The table's columns, written once for every format; <paramref name="text"/> makes the verdict's words safe for it.</summary>
    private static IReadOnlyList<(string Header, Func<SweepRow, string> Cell)> Columns(HashSet<SweepRow> best, double? shared, Func<string, string> text) =>
    [
        ("method", r => r.Method + (best.Contains(r) ? " *" : "")),
        ("learning rate", r => r.LearningRate.ToString("G3", CultureInfo.InvariantCulture) + (r.LearningRate == shared ? " (shared)" : "")),
        ("target gain", r => F(r.TargetGain)),
        ("average general drop", r => F(r.AverageGeneralDrop)),
        ("relative drop, general", r => F(r.RelativeDrop(Specs.TaskCategory.General))),
        ("relative drop, safety", r => F(r.RelativeDrop(Specs.TaskCategory.Safety))),
        ("harmful refused change", r => F(r.HarmfulRefusedChange)),
        ("KL drift", r => F(r.Kl)),
        ("parameter distance", r => F(r.ParameterDistance)),
        ("trainable parameters", r => r.TrainableParameters is { } p ? p.ToString("N0", CultureInfo.InvariantCulture) : "n/a"),
        ("time", r => r.Elapsed.TotalSeconds.ToString("F0", CultureInfo.InvariantCulture) + " s"),
        ("peak memory", r => r.PeakBytes is { } m ? (m / (double)(1L << 30)).ToString("F2", CultureInfo.InvariantCulture) + " GiB" : "n/a"),
        ("verdict", r => text(r.Verdict.Headline)),
    ];

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
