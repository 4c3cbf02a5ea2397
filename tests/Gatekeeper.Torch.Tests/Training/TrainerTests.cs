using Gatekeeper.Torch.Training;
using TorchSharp;

namespace Gatekeeper.Torch.Tests.Training;

public class TrainerTests
{
    private static PackedBatcher Batches(int rows = 8) => new(
        new UniformSource(Enumerable.Range(0, 20).Select(i => TrainingExample.FromChat(TinyModels.Tokenizer, $"Say {i}", $"{i * 7}")).ToList()),
        rows, 48, TinyModels.Tokenizer.Padding);

    [Fact]
    public void Train_LossDecreases()
    {
        using var model = TinyModels.Create();
        using var method = new FullFineTuning();
        using var trainer = new Trainer(model, method, Batches(), new TrainingOptions { Steps = 60, LearningRate = 3e-3, ReportEvery = 10 });
        var result = trainer.Run();
        Assert.True(result.LossByStep[^1].Loss < result.LossByStep[0].Loss * 0.6, $"loss {result.LossByStep[0].Loss} -> {result.LossByStep[^1].Loss}");
    }

    [Fact]
    public void Train_LiveTensorCountReturnsToItsBaselineAfterEachStep()
    {
        using var model = TinyModels.Create();
        using var method = new FullFineTuning();
        using var trainer = new Trainer(model, method, Batches(), new TrainingOptions { Steps = 20, ReportEvery = 1 });
        trainer.Advance(1);   // the first step creates gradients and optimizer state, which live on
        long baseline = LiveTensors.Count();
        trainer.Advance(10);
        Assert.Equal(baseline, LiveTensors.Count());
    }

    [Fact]
    public void WeightDecay_ShrinksMatricesOnly_NotNormsOrBiases()
    {
        var after = new Dictionary<string, torch.Tensor>[2];
        foreach (var (decay, i) in new[] { (0.0, 0), (0.5, 1) })
        {
            using var model = TinyModels.Create(seed: 3);
            using var method = new FullFineTuning();
            using var trainer = new Trainer(model, method, Batches(), new TrainingOptions { Steps = 1, LearningRate = 1e-2, WeightDecay = decay, ReportEvery = 1 });
            trainer.Run();
            after[i] = model.named_parameters().ToDictionary(p => p.name, p => p.parameter.detach().clone());
        }
        // One step from the same weights and batch: the runs differ by exactly the decay, lr * wd * theta.
        foreach (var (name, plain) in after[0])
        {
            bool same = plain.eq(after[1][name]).all().item<bool>();
            if (plain.dim() >= 2) Assert.False(same, $"{name} was not decayed");
            else Assert.True(same, $"{name} ({plain.dim()}-dimensional) was decayed");
        }
    }

    [Fact]
    public void GradientAccumulation_OfTwoHalfBatches_StepsAsOneWholeBatch()
    {
        var examples = Enumerable.Range(0, 16).Select(i => TrainingExample.FromChat(TinyModels.Tokenizer, $"Say {(char)('a' + i)}", $"{(char)('A' + i)}")).ToList();
        var after = new List<Dictionary<string, torch.Tensor>>();
        foreach (var (rows, accumulate) in new[] { (8, 1), (4, 2) })
        {
            using var model = TinyModels.Create(seed: 4);
            using var method = new FullFineTuning();
            var batches = new PackedBatcher(new UniformSource(examples), rows, 48, TinyModels.Tokenizer.Padding);
            using var trainer = new Trainer(model, method, batches, new TrainingOptions { Steps = 1, LearningRate = 1e-2, GradientAccumulation = accumulate, ClipNorm = 0, ReportEvery = 1 });
            trainer.Run();
            after.Add(model.named_parameters().ToDictionary(p => p.name, p => p.parameter.detach().clone()));
        }
        foreach (var (name, whole) in after[0])
            Assert.True(whole.allclose(after[1][name], rtol: 1e-4, atol: 1e-6), $"{name} differs between one batch of 8 rows and two of 4");
    }

    [Fact]
    public void Batcher_LearnsOnlyAnswerTokens()
    {
        var example = TrainingExample.FromChat(TinyModels.Tokenizer, "Hi", "Yo");
        var batcher = new PackedBatcher(new UniformSource([example]), 1, 8, TinyModels.Tokenizer.Padding);
        var (inputs, targets) = batcher.Next(new Random(1));
        var x = inputs.data<long>().ToArray();
        var y = targets.data<long>().ToArray();
        // <user> H i <assistant> Y o <end> <pad>: the position of <assistant> predicts Y, of Y predicts o, of o predicts <end>.
        Assert.Equal(new long[] { 256, 'H', 'i', 257, 'Y', 'o', 258, 259 }, x);
        Assert.Equal(new long[] { -100, -100, -100, 'Y', 'o', 258, -100, -100 }, y);
    }
}
