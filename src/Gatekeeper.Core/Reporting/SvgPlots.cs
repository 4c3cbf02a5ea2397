using System.Globalization;
using System.Text;
using Gatekeeper.Verdicts;

namespace Gatekeeper.Reporting;

/// <summary>A plot as inline SVG with the words that say what it shows, for readers who cannot see it.</summary>
public sealed record Plot(string Id, string Title, string Svg, string TextAlternative);

/// <summary>
/// The report's plots as self-contained inline SVG (no script, no fonts or images to fetch): each
/// check's change with its interval against its margin, learning against forgetting, and the
/// training's loss curve. Every label is HTML-escaped; each plot has a title, a description and a
/// text alternative.
/// </summary>
public static class SvgPlots
{
    private const int Width = 720, Left = 250, Right = 30, Row = 30, Top = 30, Bottom = 40;

    /// <summary>Each check's change from base to candidate with its interval, the margin it is judged by, and zero.</summary>
    public static Plot Forest(Verdict verdict)
    {
        var checks = verdict.Checks.Where(c => !c.Rule.OnLevel && c.Outcome != CheckOutcome.NotApplicable
            && double.IsFinite(c.Comparison.Interval.Lower) && double.IsFinite(c.Comparison.Interval.Upper)).ToList();
        var values = checks.SelectMany(c => new[] { c.Comparison.Interval.Lower, c.Comparison.Interval.Upper, c.Rule.Limit }).Append(0).ToList();
        double low = values.Min(), high = values.Max(), pad = Math.Max((high - low) * 0.08, 0.01);
        (low, high) = (low - pad, high + pad);
        int height = Top + Bottom + Row * Math.Max(1, checks.Count);
        double X(double v) => Left + (v - low) / (high - low) * (Width - Left - Right);
        var svg = Open("forest", height, "Each check's change with its interval against its margin",
            "Dots are the candidate's change from the base, bars the interval of the change, ticks the margin each check is judged by; the grey line is no change.");
        svg.Append(Line(X(0), Top - 10, X(0), height - Bottom + 5, "#999", dashed: false));
        for (int i = 0; i < checks.Count; i++)
        {
            var c = checks[i];
            double y = Top + Row * i + Row / 2.0;
            var colour = Colour(c.Outcome);
            svg.Append(Text(8, y + 4, c.Name, anchor: "start"));
            svg.Append(Line(X(c.Comparison.Interval.Lower), y, X(c.Comparison.Interval.Upper), y, colour, dashed: false, width: 3));
            svg.Append(string.Create(CultureInfo.InvariantCulture, $"<circle cx=\"{X(c.Comparison.Difference):0.#}\" cy=\"{y:0.#}\" r=\"5\" fill=\"{colour}\"/>"));
            svg.Append(Line(X(c.Rule.Limit), y - 10, X(c.Rule.Limit), y + 10, "#333", dashed: true, width: 2));
        }
        Axis(svg, height, low, high, X);
        svg.Append("</svg>");
        var words = checks.Select(c => string.Create(CultureInfo.InvariantCulture,
            $"{c.Name}: change {c.Comparison.Difference:+0.000;-0.000;0.000}, interval {c.Comparison.Interval.Lower:+0.000;-0.000;0.000} to {c.Comparison.Interval.Upper:+0.000;-0.000;0.000}, margin {c.Rule.Limit:+0.000;-0.000;0.000}, {c.Outcome.Name()}"));
        return new Plot("forest", "Changes against their margins", svg.ToString(), HtmlText.Escape(string.Join("; ", words) + ".", 5000));
    }

    /// <summary>The target's gain (learning) against the general tasks' average drop (forgetting): up is learning, right is forgetting.</summary>
    public static Plot LearningAgainstForgetting(Verdict verdict)
    {
        var targets = verdict.Checks.Where(c => c.Category == Specs.TaskCategory.Target && !c.Rule.OnLevel && double.IsFinite(c.Comparison.Difference)).ToList();
        double gain = targets.Count > 0 ? targets.Average(c => c.Comparison.Difference) : 0;
        double drop = double.IsFinite(verdict.Forgetting.AverageGeneralDrop) ? verdict.Forgetting.AverageGeneralDrop : 0;
        const int size = 360, margin = 50;
        double Scale(double v) => margin + (v + 1) / 2 * (size - 2 * margin);   // -1 .. 1 on both axes
        var svg = Open("tradeoff", size, "Learning against forgetting",
            "The candidate as one point: across, the average drop in accuracy over the general tasks (forgetting); up, the target's gain (learning). The best place is the top left.", size);
        svg.Append(Line(Scale(0), margin, Scale(0), size - margin, "#999", dashed: false));
        svg.Append(Line(margin, size - Scale(0), size - margin, size - Scale(0), "#999", dashed: false));
        svg.Append(Text(size / 2.0, size - 12, "forgetting: average general drop →"));
        svg.Append(string.Create(CultureInfo.InvariantCulture, $"<text x=\"14\" y=\"{size / 2.0}\" font-size=\"12\" text-anchor=\"middle\" transform=\"rotate(-90 14 {size / 2.0})\">learning: target gain →</text>"));
        foreach (var tick in new[] { -1.0, 0, 1 })
        {
            svg.Append(Text(Scale(tick), size - margin + 16, tick.ToString("0", CultureInfo.InvariantCulture)));
            svg.Append(Text(margin - 10, size - Scale(tick) + 4, tick.ToString("0", CultureInfo.InvariantCulture), anchor: "end"));
        }
        svg.Append(string.Create(CultureInfo.InvariantCulture, $"<circle cx=\"{Scale(drop):0.#}\" cy=\"{size - Scale(gain):0.#}\" r=\"7\" fill=\"{(verdict.Outcome == GateOutcome.Pass ? "#1a7f37" : "#cf222e")}\"/>"));
        svg.Append("</svg>");
        return new Plot("tradeoff", "Learning against forgetting", svg.ToString(),
            HtmlText.Escape(string.Create(CultureInfo.InvariantCulture, $"Target gain {gain:+0.000;-0.000;0.000} against an average general drop of {drop:0.000}.")));
    }

    /// <summary>The training's mean loss by step; null without a curve.</summary>
    public static Plot? LossCurve(IReadOnlyList<StepLoss> curve)
    {
        var points = curve.Where(p => double.IsFinite(p.Loss)).ToList();
        if (points.Count < 2) return null;
        const int height = 260;
        double maxStep = points.Max(p => p.Step), minStep = points.Min(p => p.Step), maxLoss = points.Max(p => p.Loss), minLoss = Math.Min(0, points.Min(p => p.Loss));
        double X(double step) => 60 + (step - minStep) / Math.Max(1, maxStep - minStep) * (Width - 60 - Right);
        double Y(double loss) => height - Bottom - (loss - minLoss) / Math.Max(1e-9, maxLoss - minLoss) * (height - Top - Bottom);
        var svg = Open("loss", height, "Training loss by step", "The mean training loss of each reporting window, by the step that closed it.");
        svg.Append(string.Create(CultureInfo.InvariantCulture, $"<polyline fill=\"none\" stroke=\"#0969da\" stroke-width=\"2\" points=\"{string.Join(' ', points.Select(p => $"{X(p.Step):0.#},{Y(p.Loss):0.#}"))}\"/>"));
        svg.Append(Line(60, height - Bottom, Width - Right, height - Bottom, "#999", dashed: false));
        svg.Append(Line(60, Top, 60, height - Bottom, "#999", dashed: false));
        svg.Append(Text(60, height - Bottom + 16, minStep.ToString("0", CultureInfo.InvariantCulture)));
        svg.Append(Text(Width - Right, height - Bottom + 16, maxStep.ToString("0", CultureInfo.InvariantCulture)));
        svg.Append(Text(55, Y(maxLoss) + 4, maxLoss.ToString("0.00", CultureInfo.InvariantCulture), anchor: "end"));
        svg.Append(Text(55, Y(minLoss) + 4, minLoss.ToString("0.00", CultureInfo.InvariantCulture), anchor: "end"));
        svg.Append(Text(Width / 2.0, height - 8, "step"));
        svg.Append("</svg>");
        return new Plot("loss", "Training loss", svg.ToString(), HtmlText.Escape(string.Create(CultureInfo.InvariantCulture,
            $"The loss went from {points[0].Loss:0.000} at step {points[0].Step} to {points[^1].Loss:0.000} at step {points[^1].Step}, lowest {points.Min(p => p.Loss):0.000}.")));
    }

    /// <summary>Each check's change over the gate's earlier runs and this one (the last point), against its margin.</summary>
    public static Plot? Trends(GateHistory history, Verdict verdict)
    {
        var rows = verdict.Checks.Where(c => !c.Rule.OnLevel && double.IsFinite(c.Comparison.Difference)).Select(c =>
        {
            var key = c.RecordKey();
            var earlier = history.Trend(key).Select(t => t.Check.Change).OfType<double>().Where(double.IsFinite).ToList();
            return (Check: c, Changes: (IReadOnlyList<double>)[.. earlier, c.Comparison.Difference]);
        }).Where(r => r.Changes.Count > 1).ToList();
        if (rows.Count == 0) return null;
        int height = Top + Bottom + Row * rows.Count;
        var svg = Open("trend", height, "Each check's change over the gate's runs",
            "For each check, its change from base to candidate in the gate's earlier runs, oldest first, and in this run (the last, larger point); the dashed line is its margin.");
        int runs = rows.Max(r => r.Changes.Count);
        for (int i = 0; i < rows.Count; i++)
        {
            var (check, changes) = rows[i];
            double top = Top + Row * i + 4, bottom = top + Row - 8;
            var values = changes.Append(check.Rule.Limit).ToList();
            double low = values.Min(), high = values.Max(), span = Math.Max(high - low, 1e-9);
            double X(int k) => Left + k * (Width - Left - Right) / (double)Math.Max(1, runs - 1);
            double Y(double v) => bottom - (v - low) / span * (bottom - top);
            svg.Append(Text(8, (top + bottom) / 2 + 4, check.Name, anchor: "start"));
            svg.Append(Line(Left, Y(check.Rule.Limit), Width - Right, Y(check.Rule.Limit), "#333", dashed: true));
            int offset = runs - changes.Count;
            svg.Append(string.Create(CultureInfo.InvariantCulture, $"<polyline fill=\"none\" stroke=\"#0969da\" stroke-width=\"2\" points=\"{string.Join(' ', changes.Select((v, k) => $"{X(k + offset):0.#},{Y(v):0.#}"))}\"/>"));
            svg.Append(string.Create(CultureInfo.InvariantCulture, $"<circle cx=\"{X(runs - 1):0.#}\" cy=\"{Y(changes[^1]):0.#}\" r=\"5\" fill=\"{Colour(check.Outcome)}\"/>"));
        }
        svg.Append(Text((Left + Width - Right) / 2.0, height - 8, $"the gate's last {runs} runs, oldest first; this run last"));
        svg.Append("</svg>");
        var words = rows.Select(r => $"{r.Check.Name}: {string.Join(", ", r.Changes.Select(v => v.ToString("+0.000;-0.000;0.000", CultureInfo.InvariantCulture)))}");
        return new Plot("trend", "Changes over the gate's runs", svg.ToString(), HtmlText.Escape(string.Join("; ", words) + " (this run last).", 5000));
    }

    private static StringBuilder Open(string id, int height, string title, string description, int width = Width) => new StringBuilder()
        .Append(CultureInfo.InvariantCulture, $"<svg xmlns=\"http://www.w3.org/2000/svg\" role=\"img\" aria-labelledby=\"{id}-title {id}-desc\" viewBox=\"0 0 {width} {height}\" width=\"{width}\" height=\"{height}\" font-family=\"sans-serif\">")
        .Append(CultureInfo.InvariantCulture, $"<title id=\"{id}-title\">{HtmlText.Escape(title)}</title><desc id=\"{id}-desc\">{HtmlText.Escape(description, 1000)}</desc>");

    private static void Axis(StringBuilder svg, int height, double low, double high, Func<double, double> x)
    {
        double y = height - Bottom + 5;
        svg.Append(Line(Left, y, Width - Right, y, "#999", dashed: false));
        foreach (var tick in new[] { low, 0, high })
            svg.Append(Text(x(tick), y + 16, tick.ToString("+0.00;-0.00;0", CultureInfo.InvariantCulture)));
        svg.Append(Text((Left + Width - Right) / 2.0, height - 4, "change from base to candidate"));
    }

    private static string Line(double x1, double y1, double x2, double y2, string colour, bool dashed, int width = 1) => string.Create(CultureInfo.InvariantCulture,
        $"<line x1=\"{x1:0.#}\" y1=\"{y1:0.#}\" x2=\"{x2:0.#}\" y2=\"{y2:0.#}\" stroke=\"{colour}\" stroke-width=\"{width}\"{(dashed ? " stroke-dasharray=\"4 3\"" : "")}/>");

    private static string Text(double x, double y, string text, string anchor = "middle") => string.Create(CultureInfo.InvariantCulture,
        $"<text x=\"{x:0.#}\" y=\"{y:0.#}\" font-size=\"12\" text-anchor=\"{anchor}\">{HtmlText.Escape(text, 60)}</text>");

    private static string Colour(CheckOutcome outcome) => outcome switch { CheckOutcome.Pass => "#1a7f37", CheckOutcome.Fail => "#cf222e", _ => "#9a6700" };

}
