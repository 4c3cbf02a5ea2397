using Gatekeeper.Specs;
using Gatekeeper.Torch.Modeling;
using Gatekeeper.Torch.Training;
using Gatekeeper.Torch.Training.Lora;
using TorchSharp;
using static TorchSharp.torch;

namespace Gatekeeper.Torch.Tests.Training;

public sealed class ResumeTests : IDisposable
{
    private readonly string _folder = Path.Combine(Path.GetTempPath(), "gk-resume-" + Guid.NewGuid().ToString("N"));

    public void Dispose()
    {
        if (Directory.Exists(_folder)) Directory.Delete(_folder, recursive: true);
    }

    private static PackedBatcher Batches() => new(
        new UniformSource(Enumerable.Range(0, 30).Select(i => TrainingExample.FromChat(TinyModels.Tokenizer, $"Say {i}", $"{i * 13}")).ToList()),
        4, 48, TinyModels.Tokenizer.Padding);

    private static TrainingOptions Options => new() { Steps = 20, LearningRate = 3e-3, WarmupSteps = 3, FinalLearningRateFraction = 0.1, WeightDecay = 0.1, GradientAccumulation = 2, ReportEvery = 4 };

    public static TheoryData<string> Methods => ["full", "lora"];

    private static ITrainingMethod Method(string name) => name == "lora" ? new LoraFineTuning(new LoraSpec { Rank = 4, Dropout = 0.2 }) : new FullFineTuning();

    [Theory]
    [MemberData(nameof(Methods))]
    public void InterruptedThenResumed_EndsBitIdenticalToAnUninterruptedRun(string methodName)
    {
        Dictionary<string, Tensor> Weights(CausalLanguageModel m) => m.named_parameters().ToDictionary(p => p.name, p => p.parameter.detach().clone());

        // Uninterrupted.
        torch.manual_seed(11);
        using var whole = TinyModels.Create(seed: 10);
        using (var method = Method(methodName))
        using (var trainer = new Trainer(whole, method, Batches(), Options)) trainer.Run();
        var expected = Weights(whole);

        // Interrupted after step 8, its state saved...
        torch.manual_seed(11);
        using var first = TinyModels.Create(seed: 10);
        using var stop = new CancellationTokenSource();
        using (var method = Method(methodName))
        using (var trainer = new Trainer(first, method, Batches(), Options))
        {
            var progress = new StopAt(8, stop);
            Assert.ThrowsAny<OperationCanceledException>(() => trainer.Run(progress, stop.Token));
            Assert.Equal(8, trainer.Step);
            trainer.SaveState(_folder);
        }

        // ...and resumed in a fresh process's worth of objects: a new model from the base, a new trainer.
        torch.manual_seed(999);   // whatever the global random state, the saved one is restored
        using var second = TinyModels.Create(seed: 10);
        using (var method = Method(methodName))
        using (var trainer = new Trainer(second, method, Batches(), Options))
        {
            trainer.LoadState(_folder);
            trainer.Run();
            Assert.Equal(20, trainer.Step);
        }
        foreach (var (name, value) in Weights(second))
            Assert.True(value.eq(expected[name]).all().item<bool>(), $"{name} differs from the uninterrupted run");
    }

    /// <summary>Cancels when a progress report reaches a step, as a signal between steps would.</summary>
    private sealed class StopAt(int step, CancellationTokenSource stop) : IProgress<TrainingProgress>
    {
        public void Report(TrainingProgress value)
        {
            if (value.Step >= step) stop.Cancel();
        }
    }
}
