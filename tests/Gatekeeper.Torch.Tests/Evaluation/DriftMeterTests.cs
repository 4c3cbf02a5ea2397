using Gatekeeper.Torch.Evaluation;
using TorchSharp;

namespace Gatekeeper.Torch.Tests.Evaluation;

public class DriftMeterTests
{
    private static readonly string[] Texts = ["The old man walked to the river.", "Paris is the capital of France."];

    [Fact]
    public void IdenticalModels_HaveNoDriftAndNoDistance()
    {
        using var a = TinyModels.Create(seed: 4);
        using var b = TinyModels.Create(seed: 4);
        // Exactly 0, not merely small: a null change's drift check relies on it to be exact.
        Assert.All(DriftMeter.KlPerText(a, b, TinyModels.Tokenizer, Texts), kl => Assert.Equal(0, kl));
        Assert.Equal(0, DriftMeter.RelativeParameterDistance(a, b));
    }

    [Fact]
    public void PerturbedModel_DriftsAndMoves()
    {
        using var a = TinyModels.Create(seed: 4);
        using var b = TinyModels.Create(seed: 4);
        using (torch.no_grad())
        {
            foreach (var p in b.parameters()) p.add_(torch.randn_like(p) * 0.05);
        }
        Assert.All(DriftMeter.KlPerText(a, b, TinyModels.Tokenizer, Texts), kl => Assert.True(kl > 1e-4, $"KL {kl}"));
        Assert.InRange(DriftMeter.RelativeParameterDistance(a, b), 0.01, 10);
    }

    [Fact]
    public void KlPerText_Again_LeavesNoTensorsBehind()
    {
        using var a = TinyModels.Create(seed: 4);
        using var b = TinyModels.Create(seed: 5);
        DriftMeter.KlPerText(a, b, TinyModels.Tokenizer, Texts);
        DriftMeter.RelativeParameterDistance(a, b);
        long baseline = LiveTensors.Count();
        DriftMeter.KlPerText(a, b, TinyModels.Tokenizer, Texts);
        DriftMeter.RelativeParameterDistance(a, b);
        Assert.Equal(baseline, LiveTensors.Count());
    }
}
