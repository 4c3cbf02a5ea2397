using System.Text.Json.Nodes;
using Gatekeeper.Torch.Checkpoints;
using Gatekeeper.Torch.Modeling;
using Gatekeeper.Torch.Tests.Reference;
using Gatekeeper.Torch.Tokenization;
using Gatekeeper.Torch.Training.Lora;
using TorchSharp;
using static TorchSharp.torch;

namespace Gatekeeper.Torch.Tests.Training.Lora;

/// <summary>
/// LoRA adapters in PEFT's layout over the base. Attached unmerged, as PEFT computes them; checked
/// against the base with each weight merged by hand, W + scaling * B A (transposed for Conv1D).
/// </summary>
public sealed class PeftAdapterTests : IDisposable
{
    private readonly string _folder = Path.Combine(Path.GetTempPath(), "gk-peft-" + Guid.NewGuid().ToString("N"));

    public void Dispose()
    {
        if (Directory.Exists(_folder)) Directory.Delete(_folder, recursive: true);
    }

    [Theory]
    [InlineData("qwen2", new[] { "model.layers.0.self_attn.q_proj", "model.layers.1.mlp.down_proj" }, false)]
    [InlineData("gpt2", new[] { "transformer.h.0.attn.c_attn", "transformer.h.1.mlp.c_fc" }, true)]
    [InlineData("llama3-gqa-sharded", new[] { "model.layers.0.self_attn.v_proj" }, true)]
    public void Load_AttachesTheAdapter_AndItsOutputIsTheHandMergedWeights(string name, string[] modules, bool rsLora)
    {
        var reference = ReferenceModel.Load(name);
        using var baseCheckpoint = WithTokenizer(reference);
        var (r, alpha) = (4, 8.0);
        var adapter = WriteAdapter(baseCheckpoint.Model, modules, r, alpha, rsLora, seed: 7);
        double scaling = rsLora ? alpha / Math.Sqrt(r) : alpha / r;

        using var candidate = PeftAdapter.Load(adapter, baseCheckpoint);
        Assert.NotEqual(baseCheckpoint.Manifest.ContentSha256, candidate.Manifest.ContentSha256);
        Assert.Equal(baseCheckpoint.Manifest.ContentSha256, candidate.Manifest.ParentSha256);

        using var noGrad = torch.no_grad();
        using var scope = torch.NewDisposeScope();
        var ids = torch.tensor(reference.LogitTokens, [1, reference.LogitTokens.Length]);
        baseCheckpoint.Model.eval();
        candidate.Model.eval();
        var before = baseCheckpoint.Model.call(ids);
        var merged = candidate.Model.call(ids);
        Assert.False(merged.allclose(before, rtol: 0, atol: 1e-3), "the adapter changed nothing");
        using var folded = PeftAdapter.Merge(candidate.Model);
        Assert.True(folded.call(ids).allclose(merged, rtol: 0, atol: 1e-5), "merged and unmerged differ by more than 1e-5");

        // The merge done by hand on the base itself: W += scaling * B A, transposed where stored (in, out).
        var header = SafetensorsHeader.Read(Path.Combine(adapter, PeftAdapter.WeightsFile));
        var projections = baseCheckpoint.Model.Projections().ToDictionary(p => p.Name, p => p.Projection);
        foreach (var module in modules)
        {
            var a = Read(header, $"base_model.model.{module}.lora_A.weight");
            var b = Read(header, $"base_model.model.{module}.lora_B.weight");
            var delta = b.matmul(a) * scaling;
            projections[module].Weight.add_(projections[module].StoredInByOut ? delta.t() : delta);
        }
        var byHand = baseCheckpoint.Model.call(ids);
        double worst = (merged - byHand).abs().max().item<float>();
        Assert.True(worst < 1e-4, $"merged and unmerged logits differ by {worst:E2}");
    }

    [Fact]
    public void Load_AnAdapterForAnotherModel_SaysWhichModuleIsMissing()
    {
        using var baseCheckpoint = WithTokenizer(ReferenceModel.Load("qwen2"));
        var adapter = WriteAdapter(baseCheckpoint.Model, ["model.layers.0.self_attn.q_proj"], 4, 8, false, seed: 1);
        var config = Path.Combine(adapter, PeftAdapter.WeightsFile);
        using var gpt2 = WithTokenizer(ReferenceModel.Load("gpt2"));
        var error = Assert.Throws<InvalidDataException>(() => PeftAdapter.Load(adapter, gpt2));
        Assert.Contains("targets 'model.layers.0.self_attn.q_proj', which is not a linear layer of the base (gpt2)", error.Message);
        Assert.Contains(config, error.Message);
    }

    [Theory]
    [InlineData("peft_type", "\"IA3\"", "peft_type 'IA3' is not supported; supported: LORA")]
    [InlineData("use_dora", "true", "DoRA adapters (use_dora) are not supported")]
    [InlineData("modules_to_save", "[\"lm_head\"]", "modules_to_save is not supported")]
    public void Load_UnsupportedAdapterConfig_SaysWhat(string key, string value, string expected)
    {
        using var baseCheckpoint = WithTokenizer(ReferenceModel.Load("qwen2"));
        var adapter = WriteAdapter(baseCheckpoint.Model, ["model.layers.0.self_attn.q_proj"], 4, 8, false, seed: 1);
        var path = Path.Combine(adapter, PeftAdapter.ConfigFile);
        var json = JsonNode.Parse(File.ReadAllText(path))!;
        json[key] = JsonNode.Parse(value);
        File.WriteAllText(path, json.ToJsonString());
        Assert.Contains(expected, Assert.Throws<InvalidDataException>(() => PeftAdapter.Load(adapter, baseCheckpoint)).Message);
    }

    private Checkpoint WithTokenizer(ReferenceModel reference)
    {
        var (model, source, _, _) = Checkpoint.LoadModel(reference.Folder);
        return new Checkpoint(model, new ByteTokenizer(), new CheckpointManifest { ContentSha256 = reference.Name }, source, reference.Folder);
    }

    /// <summary>An adapter as PEFT saves one: adapter_config.json and base_model.model.*.lora_A/B.weight.</summary>
    private string WriteAdapter(CausalLanguageModel model, string[] modules, int r, double alpha, bool rsLora, int seed)
    {
        var folder = Path.Combine(_folder, "adapter-" + seed + "-" + modules.Length + "-" + Guid.NewGuid().ToString("N")[..6]);
        Directory.CreateDirectory(folder);
        var projections = model.Projections().ToDictionary(p => p.Name, p => p.Projection);
        var generator = new Generator((ulong)seed);
        var tensors = new List<(string, Tensor)>();
        foreach (var module in modules)
        {
            var p = projections[module];
            tensors.Add(($"base_model.model.{module}.lora_A.weight", torch.randn([r, p.InFeatures], generator: generator) * 0.1));
            tensors.Add(($"base_model.model.{module}.lora_B.weight", torch.randn([p.OutFeatures, r], generator: generator) * 0.1));
        }
        SafetensorsFile.Write(Path.Combine(folder, PeftAdapter.WeightsFile), tensors, new Dictionary<string, string> { ["format"] = "pt" });
        var config = new JsonObject
        {
            ["peft_type"] = "LORA", ["task_type"] = "CAUSAL_LM", ["r"] = r, ["lora_alpha"] = alpha, ["lora_dropout"] = 0.05,
            ["target_modules"] = new JsonArray(modules.Select(m => (JsonNode)m.Split('.')[^1]).ToArray()), ["bias"] = "none",
            ["fan_in_fan_out"] = projections[modules[0]].StoredInByOut, ["use_rslora"] = rsLora, ["base_model_name_or_path"] = "base",
        };
        File.WriteAllText(Path.Combine(folder, PeftAdapter.ConfigFile), config.ToJsonString());
        foreach (var (_, t) in tensors) t.Dispose();
        return folder;
    }

    private static Tensor Read(SafetensorsHeader header, string name)
    {
        var entry = header.Tensors.Single(t => t.Name == name);
        var tensor = torch.empty(entry.Shape);
        SafetensorsFile.ReadInto(header, entry, tensor);
        return tensor;
    }
}
