using Gatekeeper.Torch.Modeling;
using TorchSharp;
using static TorchSharp.torch;

namespace Gatekeeper.Torch.Tests.Modeling;

public class Gpt2LMHeadModelTests
{
    [Fact]
    public void Forward_ReturnsLogitsPerPositionAndToken()
    {
        using var model = TinyModels.Create();
        using var scope = torch.NewDisposeScope();
        var logits = model.call(torch.zeros(3, 10, dtype: ScalarType.Int64));
        Assert.Equal(new long[] { 3, 10, 260 }, logits.shape);
    }

    [Fact]
    public void Parameters_CarryGpt2Names()
    {
        using var model = TinyModels.Create();
        var names = model.named_parameters().Select(p => p.name).ToHashSet();
        Assert.Contains("transformer.wte.weight", names);
        Assert.Contains("transformer.wpe.weight", names);
        Assert.Contains("transformer.h.0.ln_1.weight", names);
        Assert.Contains("transformer.h.1.attn.c_attn.weight", names);
        Assert.Contains("transformer.h.1.mlp.c_proj.bias", names);
        Assert.Contains("transformer.ln_f.bias", names);
        Assert.DoesNotContain(names, n => n.Contains("lm_head", StringComparison.Ordinal));
    }

    [Fact]
    public void Forward_IsCausal_LaterTokensDoNotChangeEarlierLogits()
    {
        using var model = TinyModels.Create();
        model.eval();
        using var noGrad = torch.no_grad();
        using var scope = torch.NewDisposeScope();
        var a = model.call(torch.tensor(new long[] { 1, 2, 3, 4, 5, 6 }, [1, 6]));
        var b = model.call(torch.tensor(new long[] { 1, 2, 3, 9, 9, 9 }, [1, 6]));
        Assert.True(a[.., ..3].allclose(b[.., ..3], rtol: 1e-5, atol: 1e-6));
        Assert.False(a[.., 3..].allclose(b[.., 3..], rtol: 1e-5, atol: 1e-6));
    }

    [Fact]
    public void Forward_WithKvCache_MatchesFullForward()
    {
        using var model = TinyModels.Create();
        model.eval();
        using var noGrad = torch.no_grad();
        using var scope = torch.NewDisposeScope();
        var ids = new long[] { 256, 72, 105, 33, 257, 65, 66 };
        var full = model.call(torch.tensor(ids, [1, ids.Length]));
        using var cache = model.NewCache();
        var prefix = model.Forward(torch.tensor(ids[..5], [1, 5]), cache);
        var step6 = model.Forward(torch.tensor(ids[5..6], [1, 1]), cache);
        var step7 = model.Forward(torch.tensor(ids[6..7], [1, 1]), cache);
        Assert.True(prefix.allclose(full[.., ..5], rtol: 1e-4, atol: 1e-5));
        Assert.True(step6[0, 0].allclose(full[0, 5], rtol: 1e-4, atol: 1e-5));
        Assert.True(step7[0, 0].allclose(full[0, 6], rtol: 1e-4, atol: 1e-5));
    }

    [Fact]
    public void Forward_BeyondContext_ThrowsAClearError()
    {
        using var model = TinyModels.Create(context: 8);
        using var scope = torch.NewDisposeScope();
        var error = Assert.Throws<ArgumentException>(() => model.call(torch.zeros(1, 9, dtype: ScalarType.Int64)));
        Assert.Contains("exceeds the model's context of 8", error.Message);
    }
}
