using Gatekeeper.Torch.Modeling;
using Gatekeeper.Torch.Training;
using Gatekeeper.Torch.Training.Ewc;
using TorchSharp;
using static TorchSharp.torch;

namespace Gatekeeper.Torch.Tests.Training.Ewc;

public sealed class ElasticWeightConsolidationTests : IDisposable
{
    private readonly string _folder = Path.Combine(Path.GetTempPath(), "gk-ewc-" + Guid.NewGuid().ToString("N"));

    public void Dispose()
    {
        if (Directory.Exists(_folder)) Directory.Delete(_folder, recursive: true);
    }

    private static PackedBatcher Batches(string prompt, string answer, int rows = 4) =>
        new(new UniformSource([TrainingExample.FromChat(TinyModels.Tokenizer, prompt, answer)]), rows, 48, TinyModels.Tokenizer.Padding);

    private static FisherDiagonal Fisher(CausalLanguageModel model) => FisherDiagonal.Estimate(model, Batches("Capital of France?", "Paris"), 8, seed: 1);

    private static Dictionary<string, Tensor> Train(CausalLanguageModel model, ITrainingMethod method, int steps = 15)
    {
        using var trainer = new Trainer(model, method, Batches("2+2?", "4"), new TrainingOptions { Steps = steps, LearningRate = 5e-3, ReportEvery = 5 });
        trainer.Run();
        return model.named_parameters().ToDictionary(p => p.name, p => p.parameter.detach().clone());
    }

    [Fact]
    public void LambdaZero_TrainsExactlyAsFullFineTuning()
    {
        using var a = TinyModels.Create(seed: 5);
        using var b = TinyModels.Create(seed: 5);
        TorchSharp.torch.manual_seed(1);
        using var full = new FullFineTuning();
        var plain = Train(a, full);
        TorchSharp.torch.manual_seed(1);
        using var ewc = new ElasticWeightConsolidation(0, Fisher);
        var penalised = Train(b, ewc);
        foreach (var (name, value) in plain)
            Assert.True(value.eq(penalised[name]).all().item<bool>(), $"{name} differs");
    }

    [Fact]
    public void OnlineFisher_AddsTheEarlierFisherScaledByItsDecay()
    {
        using var now = TinyModels.Create(seed: 7);
        using var earlier = TinyModels.Create(seed: 8);
        using var fisher = Fisher(now);
        using var expected = Fisher(now);
        using var previous = Fisher(earlier);
        fisher.Accumulate(previous, 0.25);
        foreach (var (name, value) in fisher.Values)
        {
            using var sum = expected.Values[name] + previous.Values[name] * 0.25;
            Assert.True(value.allclose(sum, rtol: 1e-6, atol: 0), $"{name}: not F + 0.25 F_earlier");
            Assert.False(value.eq(expected.Values[name]).all().item<bool>(), $"{name}: the earlier Fisher added nothing");
        }
    }

    [Fact]
    public void OnlineFisher_OfAnotherArchitecture_IsRefused()
    {
        using var now = TinyModels.Create(seed: 7);
        using var wider = new Gatekeeper.Torch.Modeling.Gpt2.Gpt2LMHeadModel(Gatekeeper.Torch.Modeling.Gpt2.Gpt2Config.Small(TinyModels.Tokenizer.VocabSize, 48, layers: 2, heads: 2, width: 64));
        using var fisher = Fisher(now);
        using var other = Fisher(wider);
        var error = Assert.Throws<InvalidDataException>(() => fisher.Accumulate(other, 1));
        Assert.Contains("has no counterpart of that shape", error.Message);
    }

    [Fact]
    public void PenaltyGradient_IsLambdaTimesFisherTimesTheDistanceFromTheAnchor()
    {
        using var model = TinyModels.Create(seed: 6);
        const double lambda = 250;
        using var method = new ElasticWeightConsolidation(lambda, Fisher);
        method.Prepare(model);
        var anchors = model.named_parameters().ToDictionary(p => p.name, p => p.parameter.detach().clone());
        var fisher = Fisher(model);
        using (torch.no_grad())
        {
            var generator = new Generator(3);
            foreach (var p in model.parameters()) p.add_(torch.randn(p.shape, generator: generator) * 0.01);
        }
        model.zero_grad();
        method.ExtraLoss(model)!.backward();
        foreach (var (name, parameter) in model.named_parameters())
        {
            var expected = lambda * fisher.Values[name] * (parameter.detach() - anchors[name]);
            Assert.True(parameter.grad!.allclose(expected, rtol: 1e-4, atol: 1e-7), $"{name}: the penalty's gradient is not λ F (θ − θ*)");
        }
        fisher.Dispose();
    }

    [Fact]
    public void Fisher_IsPositiveWhereTheDataPullsAndComesFromTheCacheForTheSameKey()
    {
        using var model = TinyModels.Create(seed: 7);
        var cache = new FisherCache(_folder);
        int estimates = 0;
        FisherDiagonal Estimate()
        {
            estimates++;
            return Fisher(model);
        }
        using var first = cache.GetOrEstimate("base-a+data-a", model, Estimate, out bool firstCached);
        using var second = cache.GetOrEstimate("base-a+data-a", model, Estimate, out bool secondCached);
        using var other = cache.GetOrEstimate("base-a+data-b", model, Estimate, out bool otherCached);

        Assert.False(firstCached);
        Assert.True(secondCached);
        Assert.False(otherCached);
        Assert.Equal(2, estimates);
        Assert.True(first.Values.Values.All(f => f.min().item<float>() >= 0), "a squared gradient is negative");
        Assert.True(first.Values.Values.Sum(f => f.sum().item<float>()) > 0, "the Fisher is zero everywhere");
        foreach (var (name, value) in first.Values)
            Assert.True(value.eq(second.Values[name]).all().item<bool>(), $"{name} changed through the cache");
    }

    [Fact]
    public void AStrongPenalty_KeepsTheWeightsCloserToTheBaseThanFullFineTuning()
    {
        using var baseModel = TinyModels.Create(seed: 8);
        using var a = TinyModels.Create(seed: 8);
        using var b = TinyModels.Create(seed: 8);
        using var full = new FullFineTuning();
        Train(a, full, steps: 30);
        using var ewc = new ElasticWeightConsolidation(1e6, Fisher);
        Train(b, ewc, steps: 30);
        double free = Gatekeeper.Torch.Evaluation.DriftMeter.RelativeParameterDistance(baseModel, a);
        double held = Gatekeeper.Torch.Evaluation.DriftMeter.RelativeParameterDistance(baseModel, b);
        Assert.True(held < free, $"EWC moved the weights {held:F4}, full fine-tuning {free:F4}");
    }
}
