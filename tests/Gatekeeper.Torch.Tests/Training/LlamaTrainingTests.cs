using Gatekeeper.Specs;
using Gatekeeper.Torch.Checkpoints;
using Gatekeeper.Torch.Compute;
using Gatekeeper.Torch.Inference;
using Gatekeeper.Torch.Modeling;
using Gatekeeper.Torch.Modeling.Llama;
using Gatekeeper.Torch.Tokenization;
using Gatekeeper.Torch.Training;
using TorchSharp;

namespace Gatekeeper.Torch.Tests.Training;

/// <summary>The training loop, the chat template and greedy decoding on a Llama-family model with a Hugging Face tokenizer.</summary>
public sealed class LlamaTrainingTests : IDisposable
{
    private readonly string _folder = Path.Combine(Path.GetTempPath(), "gk-llama-" + Guid.NewGuid().ToString("N"));

    public void Dispose()
    {
        if (Directory.Exists(_folder)) Directory.Delete(_folder, recursive: true);
    }

    [Fact]
    public void FineTuning_ATinyQwen2OnOneChatTurn_TeachesItTheAnswer_AndTheCandidateRoundTrips()
    {
        var tokenizer = TokenizerFiles.Load(Path.Combine(AppContext.BaseDirectory, "Reference", "Tokenizers", "qwen2"));
        var chat = PromptFormats.Apply(tokenizer, PromptFormat.Chat, "qwen2");
        using var model = TinyLlama(tokenizer.VocabSize, seed: 3);
        var generator = new GreedyGenerator(model, chat);
        Assert.NotEqual("Paris", generator.Answer("Capital of France?", 8));

        var examples = new[] { TrainingExample.FromChat(chat, "Capital of France?", "Paris") };
        using (var method = new FullFineTuning())
        using (var trainer = new Trainer(model, method, new PackedBatcher(new UniformSource(examples), 4, 64, chat.Padding),
            new TrainingOptions { Steps = 60, LearningRate = 1e-2, ReportEvery = 20 }))
        {
            trainer.Run();
        }
        Assert.Equal("Paris", generator.Answer("Capital of France?", 8));

        Checkpoint.Save(_folder, model, tokenizer, new CheckpointManifest { Method = "full" });
        using var loaded = Checkpoint.Load(_folder);
        Assert.IsType<LlamaForCausalLM>(loaded.Model);
        Assert.Equal("Paris", new GreedyGenerator(loaded.Model, PromptFormats.Apply(loaded.Tokenizer, PromptFormat.Chat, _folder)).Answer("Capital of France?", 8));
        Assert.True(File.Exists(Path.Combine(_folder, "tokenizer_config.json")), "the tokenizer's config, with its chat template, was not carried to the candidate");
    }

    /// <summary>A randomly initialised two-layer Qwen2 with grouped-query attention.</summary>
    internal static CausalLanguageModel TinyLlama(int vocab, int seed)
    {
        var config = new LlamaConfig
        {
            Type = LlamaConfig.Qwen2Type, VocabSize = vocab, ContextLength = 64, MaxPositionEmbeddings = 64, Layers = 2, Hidden = 32,
            Intermediate = 64, Heads = 4, KeyValueHeads = 2, HeadDim = 8, QkvBias = true, TieWordEmbeddings = true,
        };
        var model = ComputeTarget.Cpu.Create(config);
        using var noGrad = torch.no_grad();
        var generator = new torch.Generator((ulong)seed);
        foreach (var (name, parameter) in model.named_parameters())
        {
            if (name.EndsWith("norm.weight", StringComparison.Ordinal)) parameter.fill_(1.0);
            else if (name.EndsWith(".bias", StringComparison.Ordinal)) parameter.zero_();
            else parameter.normal_(0, 0.05, generator);
        }
        return model;
    }
}
