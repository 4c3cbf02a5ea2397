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
