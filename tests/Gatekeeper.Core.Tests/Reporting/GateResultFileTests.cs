using Gatekeeper.Reporting;

namespace Gatekeeper.Core.Tests.Reporting;

public class GateResultFileTests
{
    [Fact]
    public void WriteThenRead_RendersTheSameReport()
    {
        using var folder = new TempFolder();
        var path = Path.Combine(folder.Path, GateResultFile.FileName);
        var model = ReportRendererTests.Sample();
        GateResultFile.Write(path, model);

        var read = GateResultFile.Read(path);

        Assert.Equal(ReportRenderer.RenderMarkdown(model), ReportRenderer.RenderMarkdown(read));
        Assert.Equal(model.Verdict.Outcome, read.Verdict.Outcome);
        Assert.Equal(model.Verdict.Checks.Select(c => (c.Name, c.Comparison.Interval, c.Comparison.Discordant, c.AdjustedPValue)),
            read.Verdict.Checks.Select(c => (c.Name, c.Comparison.Interval, c.Comparison.Discordant, c.AdjustedPValue)));
        Assert.Equal(model.Verdict.Forgetting.RelativeDropByCategory, read.Verdict.Forgetting.RelativeDropByCategory);
    }

    [Theory]
    [InlineData("{ not json", "not a gate result")]
    [InlineData("{\"format\": 99, \"result\": {}}", "format 99")]
    [InlineData("{\"format\": 1}", "holds no result")]
    public void Read_RefusesWhatIsNotAGateResult(string text, string message)
    {
        using var folder = new TempFolder();
        var path = Path.Combine(folder.Path, GateResultFile.FileName);
        File.WriteAllText(path, text);

        var error = Assert.Throws<BadInputException>(() => GateResultFile.Read(path));

        Assert.Contains(message, error.Message);
        Assert.Contains(path, error.Message);
    }
}
