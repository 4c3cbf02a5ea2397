using Gatekeeper.Torch.Checkpoints;
using TorchSharp;

namespace Gatekeeper.Torch.Tests.Checkpoints;

public sealed class CheckpointTests : IDisposable
{
    private readonly string _folder = Path.Combine(Path.GetTempPath(), "gk-ckpt-" + Guid.NewGuid().ToString("N"));

    public void Dispose()
    {
        if (Directory.Exists(_folder)) Directory.Delete(_folder, recursive: true);
    }

    [Fact]
    public void SaveLoadSave_IsBitIdenticalAndKeepsEveryWeight()
    {
        using var model = TinyModels.Create(seed: 3);
        var first = Checkpoint.Save(Path.Combine(_folder, "a"), model, TinyModels.Tokenizer, new CheckpointManifest { Method = "test", Seed = 3 });
        using var loaded = Checkpoint.Load(Path.Combine(_folder, "a"));
        var second = Checkpoint.Save(Path.Combine(_folder, "b"), loaded.Model, loaded.Tokenizer, loaded.Manifest);

        Assert.Equal(File.ReadAllBytes(Path.Combine(_folder, "a", Checkpoint.WeightsFile)), File.ReadAllBytes(Path.Combine(_folder, "b", Checkpoint.WeightsFile)));
        Assert.Equal(first.ContentSha256, second.ContentSha256);
        Assert.Equal(first.ContentSha256, loaded.Manifest.ContentSha256);
        var original = model.named_parameters().ToDictionary(p => p.name, p => p.parameter);
        foreach (var (name, parameter) in loaded.Model.named_parameters())
            Assert.True(parameter.eq(original[name]).all().item<bool>(), $"{name} changed in the round trip");
    }

    [Fact]
    public void Save_WritesHuggingFaceLayoutWithTransposedConv1DWeights()
    {
        using var model = TinyModels.Create();
        Checkpoint.Save(_folder, model, TinyModels.Tokenizer, new CheckpointManifest { Method = "test" });
        foreach (var file in new[] { "config.json", "model.safetensors", "tokenizer.json", "gatekeeper.json" })
            Assert.True(File.Exists(Path.Combine(_folder, file)), file);
        var header = SafetensorsHeader.Read(Path.Combine(_folder, Checkpoint.WeightsFile));
        Assert.Equal("pt", header.Metadata["format"]);
        var entries = header.Tensors;
        var cAttn = entries.Single(e => e.Name == "transformer.h.0.attn.c_attn.weight");
        Assert.Equal(new long[] { 32, 96 }, cAttn.Shape);   // Conv1D layout: (in, out)
        Assert.Contains(entries, e => e.Name == "transformer.wte.weight");
    }

    [Fact]
    public void Load_MissingFolder_NamesIt()
    {
        var error = Assert.Throws<InvalidDataException>(() => Checkpoint.Load(Path.Combine(_folder, "nope")));
        Assert.Contains("nope", error.Message);
    }

    [Fact]
    public void Load_WeightsOfAnotherShape_SaysWhichTensorDoesNotFit()
    {
        using var model = TinyModels.Create();
        Checkpoint.Save(_folder, model, TinyModels.Tokenizer, new CheckpointManifest());
        var config = Path.Combine(_folder, Checkpoint.ConfigFile);
        File.WriteAllText(config, File.ReadAllText(config).Replace("\"n_embd\": 32", "\"n_embd\": 64", StringComparison.Ordinal));
        var error = Assert.Throws<InvalidDataException>(() => Checkpoint.Load(_folder));
        Assert.Contains("does not fit parameter", error.Message);
    }
}
