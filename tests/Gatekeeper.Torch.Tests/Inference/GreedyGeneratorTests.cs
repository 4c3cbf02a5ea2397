using Gatekeeper.Torch.Inference;

namespace Gatekeeper.Torch.Tests.Inference;

public class GreedyGeneratorTests
{
    [Fact]
    public void Answer_AfterTrainingOnOneFact_ReproducesIt()
    {
        using var model = TinyModels.Create();
        TinyModels.TrainOn(model, "Capital of France?", "Paris", steps: 80);
        Assert.Equal("Paris", new GreedyGenerator(model, TinyModels.Tokenizer).Answer("Capital of France?", 10));
    }

    [Fact]
    public void LogLikelihoods_PreferTheTrainedAnswer()
    {
        using var model = TinyModels.Create();
        TinyModels.TrainOn(model, "Pick", "blue", steps: 40);
        var scores = new ChoiceScorer(model, TinyModels.Tokenizer).LogLikelihoods("Pick", ["red", "blue", "green"]);
        Assert.Equal(1, Array.IndexOf(scores, scores.Max()));
    }
}
