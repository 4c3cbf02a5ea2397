using System.Text.Json.Nodes;
using Gatekeeper.Specs;
using Gatekeeper.Torch.Checkpoints;
using Gatekeeper.Torch.Inference;
using Gatekeeper.Torch.Modeling;
using Gatekeeper.Torch.Tests.Reference;
using Gatekeeper.Torch.Tokenization;
using Gatekeeper.Torch.Training;
using Gatekeeper.Torch.Training.Lora;
using TorchSharp;
using static TorchSharp.torch;

namespace Gatekeeper.Torch.Tests.Training.Lora;

public sealed class LoraFineTuningTests : IDisposable
{
    private readonly string _folder = Path.Combine(Path.GetTempPath(), "gk-lora-" + Guid.NewGuid().ToString("N"));

    public void Dispose()
    {
        if (Directory.Exists(_folder)) Directory.Delete(_folder, recursive: true);
    }

    [Fact]
    public void Training_LeavesEveryBaseWeightBitIdentical_AndTrainsOnlyTheAdapters()
    {
        using var model = TinyModels.Create(seed: 2);
        var before = model.named_parameters().ToDictionary(p => p.name, p => p.parameter.clone());
        using var method = new LoraFineTuning(new LoraSpec { Rank = 4, Alpha = 8 });
        var examples = new[] { TrainingExample.FromChat(TinyModels.Tokenizer, "2+2?", "4") };
        using (var trainer = new Trainer(model, method, new PackedBatcher(new UniformSource(examples), 4, 48, TinyModels.Tokenizer.Padding),
            new TrainingOptions { Steps = 20, LearningRate = 1e-2, ReportEvery = 10 }))
        {
            trainer.Run();
        }
        foreach (var (name, parameter) in model.named_parameters())
        {
            if (name.Contains(".adapter.", StringComparison.Ordinal))
            {
                Assert.True(parameter.requires_grad, $"{name} does not train");
                continue;
            }
            Assert.False(parameter.requires_grad, $"{name} trains");
            Assert.Null(parameter.grad);
            Assert.True(parameter.eq(before[name]).all().item<bool>(), $"{name} changed");
        }
        var adapted = model.named_parameters().Where(p => p.name.Contains(".adapter.", StringComparison.Ordinal)).ToList();
        Assert.Equal(2 * model.Projections().Count(p => p.Projection.Adapter is LoraAdapter), adapted.Count);
        Assert.Contains(adapted, p => p.name.EndsWith("lora_B", StringComparison.Ordinal) && p.parameter.abs().sum().item<float>() > 0);
    }

    [Fact]
    public void AFreshAdapter_LeavesTheOutputsExactlyAsTheBasesWere()
    {
        var reference = ReferenceModel.Load("llama3-gqa-sharded");
        var (model, _, _, _) = Checkpoint.LoadModel(reference.Folder);
        using var _ = model;
        model.eval();
        using var noGrad = torch.no_grad();
        using var scope = torch.NewDisposeScope();
        var ids = torch.tensor(reference.LogitTokens, [1, reference.LogitTokens.Length]);
        var before = model.call(ids);
        using var method = new LoraFineTuning(new LoraSpec());
        method.Prepare(model);
        model.eval();
        Assert.True(model.call(ids).eq(before).all().item<bool>());
    }

    [Fact]
    public void AllLinear_AdaptsEveryLinearLayerButTheOutputHead()
    {
        var (model, _, _, _) = Checkpoint.LoadModel(ReferenceModel.Load("llama3-gqa-sharded").Folder);
        using var _ = model;
        var chosen = LoraTargets.Select(model, new LoraSpec()).Select(p => p.Name).ToList();
        Assert.Equal(2 * 7, chosen.Count);   // q, k, v, o, gate, up, down in each of 2 layers
        Assert.DoesNotContain("lm_head", chosen);
        Assert.Equal(["model.layers.0.self_attn.q_proj", "model.layers.1.self_attn.q_proj"], LoraTargets.Select(model, new LoraSpec { TargetModules = ["q_proj"] }).Select(p => p.Name));
        Assert.Equal(["model.layers.1.mlp.up_proj"], LoraTargets.Select(model, new LoraSpec { TargetPattern = @"model\.layers\.1\.mlp\.up_proj" }).Select(p => p.Name));
        var error = Assert.Throws<ArgumentException>(() => LoraTargets.Select(model, new LoraSpec { TargetModules = ["c_attn"] }));
        Assert.Contains("match no linear layer of this llama model; its layers are named like", error.Message);
        Assert.Contains("model.layers.0.self_attn.q_proj", error.Message);
    }

    [Theory]
    [InlineData("gpt2", "c_attn", "base_model.model.transformer.h.0.attn.c_attn.lora_A.weight", true)]
    [InlineData("qwen2", "q_proj", "base_model.model.model.layers.0.self_attn.q_proj.lora_A.weight", false)]
    public void Save_WritesPeftsLayout_AndReadsBackAsTheSameModel(string name, string target, string expectedTensor, bool fanInFanOut)
    {
        var reference = ReferenceModel.Load(name);
        var (model, source, _, _) = Checkpoint.LoadModel(reference.Folder);
        using var baseCheckpoint = new Checkpoint(model, new ByteTokenizer(), new CheckpointManifest { ContentSha256 = "base-" + name }, source, reference.Folder);
        using var trained = Torch.Compute.ComputeTarget.Of(model).Copy(model);
        var spec = new LoraSpec { Rank = 4, Alpha = 8, Dropout = 0.1, TargetModules = [target] };
        using var method = new LoraFineTuning(spec);
        method.Prepare(trained);
        using (var noGrad = torch.no_grad())
        {
            foreach (var (_, projection) in trained.Projections().Where(p => p.Projection.Adapter is LoraAdapter))
                ((LoraAdapter)projection.Adapter!).B.normal_(0, 0.1);
        }

        var saved = method.Save(_folder, trained, baseCheckpoint, new CheckpointManifest { Method = "lora" });

        var config = JsonNode.Parse(File.ReadAllText(Path.Combine(_folder, "adapter_config.json")))!.AsObject();
        foreach (var key in new[] { "peft_type", "task_type", "r", "lora_alpha", "lora_dropout", "target_modules", "base_model_name_or_path", "bias", "fan_in_fan_out" })
            Assert.True(config.ContainsKey(key), $"adapter_config.json has no {key}");
        Assert.Equal("LORA", (string?)config["peft_type"]);
        Assert.Equal("CAUSAL_LM", (string?)config["task_type"]);
        Assert.Equal(4, (int)config["r"]!);
        Assert.Equal(fanInFanOut, (bool)config["fan_in_fan_out"]!);
        Assert.Equal($"[\"{target}\"]", config["target_modules"]!.ToJsonString());
        var tensors = SafetensorsHeader.Read(Path.Combine(_folder, "adapter_model.safetensors")).Tensors;
        Assert.Contains(tensors, t => t.Name == expectedTensor && t.Shape[0] == 4);
        Assert.Contains(tensors, t => t.Name == expectedTensor.Replace("lora_A", "lora_B", StringComparison.Ordinal) && t.Shape[1] == 4);

        using var loaded = PeftAdapter.Load(_folder, baseCheckpoint);
        Assert.Equal(saved.ContentSha256, loaded.Manifest.ContentSha256);
        trained.eval();
        using var scope = torch.NewDisposeScope();
        using var noGrad2 = torch.no_grad();
        var ids = torch.tensor(reference.LogitTokens, [1, reference.LogitTokens.Length]);
        Assert.True(loaded.Model.call(ids).eq(trained.call(ids)).all().item<bool>(), "the adapter read back computes something else");
    }

    [Fact]
    public void Lora_TeachesATinyGpt2AnAnswer()
    {
        using var model = TinyModels.Create(seed: 4);
        var generator = new GreedyGenerator(model, TinyModels.Tokenizer);
        Assert.NotEqual("blue", generator.Answer("Sky colour?", 8));
        using var method = new LoraFineTuning(new LoraSpec { Rank = 8, Alpha = 16 });
        var examples = new[] { TrainingExample.FromChat(TinyModels.Tokenizer, "Sky colour?", "blue") };
        using var trainer = new Trainer(model, method, new PackedBatcher(new UniformSource(examples), 4, 48, TinyModels.Tokenizer.Padding),
            new TrainingOptions { Steps = 80, LearningRate = 2e-2, ReportEvery = 20 });
        trainer.Run();
        Assert.Equal("blue", generator.Answer("Sky colour?", 8));
    }
}
