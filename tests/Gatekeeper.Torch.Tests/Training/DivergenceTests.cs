using Gatekeeper.Torch.Checkpoints;
using Gatekeeper.Torch.Modeling;
using Gatekeeper.Torch.Training;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace Gatekeeper.Torch.Tests.Training;

public sealed class DivergenceTests
{
    [Theory]
    [InlineData(double.NaN, "the loss is NaN")]
    [InlineData(double.PositiveInfinity, "the loss is Infinity")]
    public void APlantedNonFiniteLoss_StopsTrainingAtItsStep(double planted, string what)
    {
        using var model = TinyModels.Create(seed: 9);
        using var method = new PlantedLoss(atCall: 4, planted);
        var examples = new[] { TrainingExample.FromChat(TinyModels.Tokenizer, "a", "b") };
        using var trainer = new Trainer(model, method, new PackedBatcher(new UniformSource(examples), 2, 48, TinyModels.Tokenizer.Padding),
            new TrainingOptions { Steps = 10, ReportEvery = 5 });

        var error = Assert.Throws<InfrastructureException>(() => trainer.Run());

        Assert.Contains($"training diverged at step 4: {what}", error.Message);
        Assert.Equal(3, trainer.Step);   // three steps done, the fourth stopped
    }

    /// <summary>Full fine-tuning whose extra loss term is <paramref name="planted"/> on one call.</summary>
    private sealed class PlantedLoss(int atCall, double planted) : ITrainingMethod
    {
        private int _calls;

        public string Name => "planted";

        public IReadOnlyList<Parameter> Prepare(CausalLanguageModel model) => [.. model.parameters()];

        public Tensor? ExtraLoss(CausalLanguageModel model) => ++_calls == atCall ? TorchSharp.torch.tensor(planted) : null;

        public CheckpointManifest Save(string directory, CausalLanguageModel model, Checkpoint baseCheckpoint, CheckpointManifest manifest) =>
            throw new InvalidOperationException("a diverged run saves nothing");

        public void Dispose()
        {
        }
    }
}
