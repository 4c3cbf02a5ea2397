using Gatekeeper.Reporting;
using Microsoft.Playwright;

namespace Gatekeeper.Core.Tests.Reporting;

/// <summary>
/// report.html in a real browser: the system's headless Chromium through Playwright (nothing is
/// downloaded; GATEKEEPER_CHROMIUM names another binary). The page must load with no console
/// error and no request leaving the file, lay every plot out at a size, read without script,
/// and print. A screenshot is kept beside the test's output for a person to look at.
/// </summary>
public sealed class HtmlReportBrowserTests
{
    private static string Chromium() =>
        Environment.GetEnvironmentVariable("GATEKEEPER_CHROMIUM") is { Length: > 0 } own ? own
        : new[] { "/usr/bin/chromium", "/usr/bin/chromium-browser", "/usr/bin/google-chrome" }.FirstOrDefault(File.Exists)
          ?? throw new InvalidOperationException("No Chromium here: install Debian's chromium (apt-get install chromium; .ci/run does) or set GATEKEEPER_CHROMIUM to a Chromium binary.");

    [Fact]
    public async Task TheSweepsPage_ShowsItsFrontierAndLinksEachRunsReport()
    {
        using var folder = new TempFolder();
        var verdict = ReportRendererTests.Sample().Verdict;
        var rows = new[] { ("full", 1e-3), ("full", 3e-4), ("lora", 3e-3) }
            .Select(v => new Gatekeeper.Sweeps.SweepRow(v.Item1, v.Item2, verdict, TimeSpan.FromSeconds(30))).ToList();
        var page = folder.Write("sweep.html", Gatekeeper.Sweeps.SweepReport.Html("demo <b>", rows, r => $"{r.Method}/report.html"));

        using var playwright = await Playwright.CreateAsync();
        await using var browser = await playwright.Chromium.LaunchAsync(new BrowserTypeLaunchOptions { ExecutablePath = Chromium(), Headless = true, Args = ["--no-sandbox"] });
        var tab = await (await browser.NewContextAsync(new BrowserNewContextOptions { JavaScriptEnabled = false })).NewPageAsync();
        var problems = new List<string>();
        tab.Console += (_, message) => { if (message.Type is "error" or "warning") problems.Add($"console {message.Type}: {message.Text}"); };
        tab.Request += (_, request) => { if (!request.Url.StartsWith("file://", StringComparison.Ordinal)) problems.Add($"request: {request.Url}"); };
        await tab.GotoAsync(new Uri(page).AbsoluteUri);

        Assert.Empty(problems);
        Assert.Equal("Sweep of demo <b>", await tab.TitleAsync());
        var box = await tab.Locator("#frontier svg").BoundingBoxAsync();
        Assert.True(box is { Width: > 200, Height: > 200 }, $"the frontier laid out at {box?.Width}x{box?.Height}");
        Assert.Equal(3, await tab.Locator("table tr").CountAsync() - 1);
        Assert.Equal(3, await tab.Locator("a[href$='/report.html']").CountAsync());
    }

    [Fact]
    public async Task TheHtmlReport_LoadsWithoutErrors_LaysOutEveryPlot_AndPrints()
    {
        using var folder = new TempFolder();
        var model = ReportRendererTests.Sample() with
        {
            Training = ReportRendererTests.Sample().Training! with { LossCurve = [.. Enumerable.Range(1, 20).Select(s => new StepLoss(s * 10, 3.0 / s))] },
            History = new GateHistory("demo", "mlruns", [.. Enumerable.Range(1, 4).Select(i => new HistoryRun($"run{i}", DateTimeOffset.UnixEpoch.AddDays(i), "pass", null, null, "schedule",
                new Dictionary<string, HistoryCheck> { ["general/facts"] = new("pass", -0.01 * i, -0.05, 0.03, 0.9) }))]),
        };
        var page = folder.Write("report.html", ReportRenderer.RenderHtml(model));

        using var playwright = await Playwright.CreateAsync();
        await using var browser = await playwright.Chromium.LaunchAsync(new BrowserTypeLaunchOptions
        {
            ExecutablePath = Chromium(), Headless = true, Args = ["--no-sandbox"],
        });
        var context = await browser.NewContextAsync(new BrowserNewContextOptions { JavaScriptEnabled = false, ViewportSize = new ViewportSize { Width = 1200, Height = 900 } });
        var tab = await context.NewPageAsync();
        var problems = new List<string>();
        tab.Console += (_, message) => { if (message.Type is "error" or "warning") problems.Add($"console {message.Type}: {message.Text}"); };
        tab.PageError += (_, error) => problems.Add($"page error: {error}");
        tab.Request += (_, request) => { if (!request.Url.StartsWith("file://", StringComparison.Ordinal)) problems.Add($"request: {request.Url}"); };

        await tab.GotoAsync(new Uri(page).AbsoluteUri, new PageGotoOptions { WaitUntil = WaitUntilState.Load });

        Assert.Empty(problems);
        Assert.Equal("Gatekeeper: demo — FAIL", await tab.TitleAsync());
        var figures = await tab.Locator("figure svg").AllAsync();
        Assert.Equal(4, figures.Count);   // the forest plot, learning against forgetting, the loss curve, the trends
        foreach (var figure in figures)
        {
            var box = await figure.BoundingBoxAsync();
            Assert.True(box is { Width: > 100, Height: > 50 }, $"a plot laid out at {box?.Width}x{box?.Height}");
            Assert.False(string.IsNullOrWhiteSpace(await figure.Locator("title").TextContentAsync()), "a plot without a title");
        }
        Assert.Equal(4, await tab.Locator("figcaption").CountAsync());
        Assert.Contains("general/facts: -0.010, -0.020, -0.030, -0.040, -0.500", await tab.Locator("#trend figcaption").TextContentAsync());
        Assert.Contains("general/facts: change -0.500", await tab.Locator("#forest figcaption").TextContentAsync());
        Assert.Equal(0, await tab.Locator("script").CountAsync());
        Assert.Contains("What is the capital of <France>?", await tab.Locator("body").InnerTextAsync());   // untrusted text shown as text, not markup
        Assert.Equal(0, await tab.Locator("france").CountAsync());

        var screenshot = Path.Combine(AppContext.BaseDirectory, "report-screenshot.png");
        await tab.ScreenshotAsync(new PageScreenshotOptions { Path = screenshot, FullPage = true });
        Assert.True(new FileInfo(screenshot).Length > 10_000, "the screenshot is empty");
        var pdf = await tab.PdfAsync();   // prints
        Assert.True(pdf.Length > 10_000 && pdf[..4].SequenceEqual("%PDF"u8.ToArray()), "the page did not print");
    }
}
