using Gatekeeper.Torch.Inference;
using Gatekeeper.Torch.Training;

namespace Gatekeeper.Torch.Tests.Inference;

public class GreedyGeneratorTests
{
    [Fact]
    public void Answer_AfterTrainingOnOneFact_ReproducesIt()
    {
        using var model = TinyModels.Create();
        var examples = new[] { TrainingExample.FromChat(TinyModels.Tokenizer, "Capital of France?", "Paris") };
        using var method = new FullFineTuning();
        using var trainer = new Trainer(model, method, new PackedBatcher(new UniformSource(examples), 4, 48, TinyModels.Tokenizer.Padding),
            new TrainingOptions { Steps = 80, LearningRate = 5e-3, ReportEvery = 20 });
        trainer.Run();
        Assert.Equal("Paris", new GreedyGenerator(model, TinyModels.Tokenizer).Answer("Capital of France?", 10));
    }

    [Fact]
    public void LogLikelihoods_PreferTheTrainedAnswer()
    {
        using var model = TinyModels.Create();
        var examples = new[] { TrainingExample.FromChat(TinyModels.Tokenizer, "Pick", "blue") };
        using var method = new FullFineTuning();
        using var trainer = new Trainer(model, method, new PackedBatcher(new UniformSource(examples), 4, 48, TinyModels.Tokenizer.Padding),
            new TrainingOptions { Steps = 40, LearningRate = 5e-3, ReportEvery = 20 });
        trainer.Run();
        var scores = new ChoiceScorer(model, TinyModels.Tokenizer).LogLikelihoods("Pick", ["red", "blue", "green"]);
        Assert.Equal(1, Array.IndexOf(scores, scores.Max()));
    }
}
