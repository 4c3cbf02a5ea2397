using System.Text.Json.Nodes;
using Gatekeeper.Torch.Checkpoints;
using Gatekeeper.Torch.Compute;
using Gatekeeper.Torch.Tests.Reference;
using Gatekeeper.Torch.Tokenization;
using TorchSharp;
using static TorchSharp.torch;

namespace Gatekeeper.Torch.Tests.Checkpoints;

/// <summary>Hugging Face folders of each family: what is read, what is refused, and what a written candidate looks like.</summary>
public sealed class HuggingFaceCheckpointTests : IDisposable
{
    private readonly string _folder = Path.Combine(Path.GetTempPath(), "gk-hf-" + Guid.NewGuid().ToString("N"));

    public void Dispose()
    {
        if (Directory.Exists(_folder)) Directory.Delete(_folder, recursive: true);
    }

    [Theory]
    [InlineData("model_type", "\"mamba\"", "model_type 'mamba' is not supported; supported: gpt2, llama, qwen2")]
    [InlineData("rope_scaling", "{\"rope_type\": \"yarn\", \"factor\": 4.0}", "rope_scaling of type 'yarn' is not supported; supported: default, linear, llama3")]
    [InlineData("rope_scaling", "{\"rope_type\": \"llama3\", \"factor\": 8.0}", "needs original_max_position_embeddings")]
    [InlineData("hidden_act", "\"gelu\"", "hidden_act 'gelu' is not supported for llama; supported: silu")]
    [InlineData("num_key_value_heads", "3", "must be a multiple of num_key_value_heads (3)")]
    [InlineData("hidden_size", "\"32\"", "\"hidden_size\" must be a whole number")]
    public void Load_UnsupportedConfig_NamesTheKeyAndWhatIsSupported(string key, string value, string expected)
    {
        var folder = ReferenceModel.Load("llama3-gqa-sharded").CopyTo(_folder);
        EditConfig(folder, json => json[key] = JsonNode.Parse(value));
        var error = Assert.Throws<InvalidDataException>(() => Checkpoint.LoadModel(folder));
        Assert.Contains(expected, error.Message);
        Assert.Contains("config.json", error.Message);
    }

    [Fact]
    public void Load_Qwen2WithASlidingWindow_CapsTheContextAtTheWindowAndSaysSo()
    {
        var folder = ReferenceModel.Load("qwen2").CopyTo(_folder);
        EditConfig(folder, json => json["use_sliding_window"] = true);
        var (model, _, _, _) = Checkpoint.LoadModel(folder);
        using var _ = model;
        Assert.Equal(32, model.Config.ContextLength);
        using var scope = torch.NewDisposeScope();
        var error = Assert.Throws<ArgumentException>(() => model.call(torch.zeros(1, 33, dtype: ScalarType.Int64)));
        Assert.Contains("sliding window of 32", error.Message);
    }

    [Fact]
    public void Load_ShardIndexPointingOutsideTheFolder_IsRefused()
    {
        var folder = ReferenceModel.Load("llama3-gqa-sharded").CopyTo(_folder);
        var index = Path.Combine(folder, WeightFiles.IndexFile);
        File.WriteAllText(index, File.ReadAllText(index).Replace("\"model-00001-of-00002.safetensors\"", "\"../model-00001-of-00002.safetensors\"", StringComparison.Ordinal));
        var error = Assert.Throws<InvalidDataException>(() => Checkpoint.LoadModel(folder));
        Assert.Contains("is not a plain file name", error.Message);
    }

    [Fact]
    public void Load_ShardIndexThatDisagreesWithItsShards_SaysWhichTensor()
    {
        var folder = ReferenceModel.Load("llama3-gqa-sharded").CopyTo(_folder);
        var index = Path.Combine(folder, WeightFiles.IndexFile);
        var json = JsonNode.Parse(File.ReadAllText(index))!;
        json["weight_map"]!["model.norm.weight"] = json["weight_map"]!["model.norm.weight"]!.GetValue<string>().Contains("00001", StringComparison.Ordinal)
            ? "model-00002-of-00002.safetensors" : "model-00001-of-00002.safetensors";
        File.WriteAllText(index, json.ToJsonString());
        var error = Assert.Throws<InvalidDataException>(() => Checkpoint.LoadModel(folder));
        Assert.Contains("'model.norm.weight'", error.Message);
    }

    [Fact]
    public void Load_MissingShard_NamesIt()
    {
        var folder = ReferenceModel.Load("llama3-gqa-sharded").CopyTo(_folder);
        File.Delete(Path.Combine(folder, "model-00002-of-00002.safetensors"));
        var error = Assert.Throws<InvalidDataException>(() => Checkpoint.LoadModel(folder));
        Assert.Contains("shard 'model-00002-of-00002.safetensors' is missing", error.Message);
    }

    [Fact]
    public void Load_PickleWeightsOnly_SaysTheyAreNotLoadedAndHowToFixIt()
    {
        var folder = ReferenceModel.Load("qwen2").CopyTo(_folder);
        File.Move(Path.Combine(folder, "model.safetensors"), Path.Combine(folder, "pytorch_model.bin"));
        var error = Assert.Throws<InvalidDataException>(() => Checkpoint.LoadModel(folder));
        Assert.Contains("convert them to safetensors", error.Message);
    }

    [Fact]
    public void Load_WeightsOfAnotherFamily_ListsMissingAndUnexpectedTensors()
    {
        var folder = ReferenceModel.Load("qwen2").CopyTo(_folder);
        File.Copy(Path.Combine(ReferenceModel.Load("gpt2").Folder, "model.safetensors"), Path.Combine(folder, "model.safetensors"), overwrite: true);
        var error = Assert.Throws<InvalidDataException>(() => Checkpoint.LoadModel(folder));
        Assert.Contains("do not match a qwen2 model", error.Message);
        Assert.Contains("missing [model.", error.Message);
        Assert.Contains("unexpected [", error.Message);
    }

    [Fact]
    public void Load_IntegerWeights_AreRefusedNamingTheDtype()
    {
        var folder = ReferenceModel.Load("qwen2").CopyTo(_folder);
        var path = Path.Combine(folder, "model.safetensors");
        var header = SafetensorsHeader.Read(path);
        var tensors = header.Tensors.Select(t =>
        {
            var value = torch.empty(t.Shape);
            SafetensorsFile.ReadInto(header, t, value);
            return (t.Name, t.Name == "model.norm.weight" ? value.to(ScalarType.Int32) : value);
        }).ToList();
        WriteRaw(path, tensors);
        var error = Assert.Throws<InvalidDataException>(() => Checkpoint.LoadModel(folder));
        Assert.Contains("'model.norm.weight' is I32; supported: F32, F16, BF16", error.Message);
    }

    [Theory]
    [InlineData("qwen2", ScalarType.Float32, "float32", "F32")]
    [InlineData("llama3-gqa-sharded", ScalarType.BFloat16, "bfloat16", "BF16")]
    public void Save_WritesAFolderHuggingFaceLoads_WithTheSourceKeysKept(string name, ScalarType dtype, string torchDtype, string stored)
    {
        var reference = ReferenceModel.Load(name);
        var (model, source, _, _) = Checkpoint.LoadModel(reference.Folder, ComputeTarget.Cpu with { DType = dtype });
        using var _ = model;
        var written = Path.Combine(_folder, "candidate");
        Checkpoint.Save(written, model, new ByteTokenizer(), new CheckpointManifest { Method = "test" }, source);

        var config = JsonNode.Parse(File.ReadAllText(Path.Combine(written, Checkpoint.ConfigFile)))!;
        Assert.Equal(source["architectures"]!.ToJsonString(), config["architectures"]!.ToJsonString());
        Assert.Equal(torchDtype, (string?)config["torch_dtype"]);
        Assert.Equal((int)source["eos_token_id"]!, (int)config["eos_token_id"]!);
        Assert.Equal(source["rope_scaling"]?.ToJsonString(), config["rope_scaling"]?.ToJsonString());
        var header = SafetensorsHeader.Read(Path.Combine(written, WeightFiles.SingleFile));
        Assert.Equal("pt", header.Metadata["format"]);
        Assert.All(header.Tensors, t => Assert.Equal(stored, t.DType));
        // Exactly the reference's tensor names: Hugging Face's, with no tied head written twice.
        var referenceNames = WeightFiles.Locate(reference.Folder).Tensors.Select(t => t.Tensor.Name).Order(StringComparer.Ordinal);
        Assert.Equal(referenceNames, header.Tensors.Select(t => t.Name).Order(StringComparer.Ordinal));

        var (reloaded, _, _, _) = Checkpoint.LoadModel(written, ComputeTarget.Cpu with { DType = dtype });
        using var __ = reloaded;
        var original = model.named_parameters().ToDictionary(p => p.name, p => p.parameter);
        foreach (var (parameter, value) in reloaded.named_parameters())
            Assert.True(value.eq(original[parameter]).all().item<bool>(), $"{parameter} changed in the round trip");
    }

    [Fact]
    public void Save_TheSameWeightsWithOtherIncidentalConfigKeys_IsTheSameContent()
    {
        var reference = ReferenceModel.Load("gpt2");
        var (model, source, _, _) = Checkpoint.LoadModel(reference.Folder);
        using var _ = model;
        var first = Checkpoint.Save(Path.Combine(_folder, "c"), model, new ByteTokenizer(), new CheckpointManifest(), source);
        var edited = source.DeepClone().AsObject();
        edited["transformers_version"] = "4.46.0";
        var second = Checkpoint.Save(Path.Combine(_folder, "d"), model, new ByteTokenizer(), new CheckpointManifest(), edited);
        Assert.NotEqual(first.ConfigSha256, second.ConfigSha256);
        Assert.Equal(first.ContentSha256, second.ContentSha256);
    }

    private static void EditConfig(string folder, Action<JsonObject> edit)
    {
        var path = Path.Combine(folder, Checkpoint.ConfigFile);
        var json = JsonNode.Parse(File.ReadAllText(path))!.AsObject();
        edit(json);
        File.WriteAllText(path, json.ToJsonString());
    }

    /// <summary>Writes tensors of any dtype, bypassing the writer's own dtype rule, as a foreign tool might.</summary>
    private static void WriteRaw(string path, IReadOnlyList<(string Name, Tensor Tensor)> tensors)
    {
        var header = new JsonObject();
        long offset = 0;
        var blobs = new List<byte[]>();
        foreach (var (name, tensor) in tensors.OrderBy(t => t.Name, StringComparer.Ordinal))
        {
            var bytes = tensor.contiguous().bytes.ToArray();
            string dtype = tensor.dtype == ScalarType.Int32 ? "I32" : "F32";
            header[name] = new JsonObject { ["dtype"] = dtype, ["shape"] = new JsonArray(tensor.shape.Select(s => (JsonNode)s).ToArray()), ["data_offsets"] = new JsonArray(offset, offset + bytes.Length) };
            offset += bytes.Length;
            blobs.Add(bytes);
        }
        var text = System.Text.Encoding.UTF8.GetBytes(header.ToJsonString());
        using var stream = File.Create(path);
        stream.Write(BitConverter.GetBytes((ulong)text.Length));
        stream.Write(text);
        foreach (var blob in blobs) stream.Write(blob);
    }
}
