using Gatekeeper.Torch.Checkpoints;
using Gatekeeper.Torch.Modeling;
using Gatekeeper.Torch.Tests.Reference;
using TorchSharp;
using static TorchSharp.torch;

namespace Gatekeeper.Torch.Tests.Modeling;

public sealed class ProjectionTests
{
    [Theory]
    [InlineData("gpt2", "transformer.h.0.attn.c_attn", true)]
    [InlineData("qwen2", "model.layers.1.self_attn.q_proj", false)]
    public void Projections_AreFoundByTheirCheckpointNames_WithTheirStorage(string model, string name, bool inByOut)
    {
        var (loaded, _, _, _) = Checkpoint.LoadModel(ReferenceModel.Load(model).Folder);
        using var _ = loaded;
        var projection = loaded.Projections().Single(p => p.Name == name).Projection;
        Assert.Equal(inByOut, projection.StoredInByOut);
        Assert.Equal(inByOut ? [projection.InFeatures, projection.OutFeatures] : new[] { projection.OutFeatures, projection.InFeatures }, projection.Weight.shape);
    }

    [Fact]
    public void Attach_AddsTheAdaptersOutputAndRegistersItsParameters()
    {
        var reference = ReferenceModel.Load("llama3-gqa-sharded");
        var (model, _, _, _) = Checkpoint.LoadModel(reference.Folder);
        using var _ = model;
        model.eval();
        using var noGrad = torch.no_grad();
        using var scope = torch.NewDisposeScope();
        var ids = torch.tensor(reference.LogitTokens, [1, reference.LogitTokens.Length]);
        var before = model.call(ids);

        var (name, projection) = model.Projections().First(p => p.Name.EndsWith("v_proj", StringComparison.Ordinal));
        var adapter = nn.Linear(projection.InFeatures, projection.OutFeatures, hasBias: false);
        adapter.weight!.zero_();
        projection.Attach(adapter);
        Assert.Contains(name + ".adapter.weight", model.named_parameters().Select(p => p.name));
        Assert.True(model.call(ids).allclose(before, rtol: 0, atol: 1e-6), "a zero adapter changed the output");

        adapter.weight!.fill_(0.05);
        Assert.False(model.call(ids).allclose(before, rtol: 0, atol: 1e-3), "the adapter's output was not added");
    }
}
