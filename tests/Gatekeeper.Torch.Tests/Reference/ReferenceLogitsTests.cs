using Gatekeeper.Torch.Checkpoints;
using Gatekeeper.Torch.Compute;
using Gatekeeper.Torch.Modeling;
using TorchSharp;
using static TorchSharp.torch;

namespace Gatekeeper.Torch.Tests.Reference;

/// <summary>
/// Each family's forward against a plain-PyTorch reference (Reference/reference_models.py): logits
/// within 1e-4 in float32, greedy continuations token for token, with and without the KV cache.
/// </summary>
public sealed class ReferenceLogitsTests
{
    private const double Tolerance = 1e-4;

    public static TheoryData<string> Models => [.. ReferenceModel.Names];

    [Theory]
    [MemberData(nameof(Models))]
    public void Logits_MatchThePyTorchReference(string name)
    {
        var reference = ReferenceModel.Load(name);
        var (model, _, _, _) = Checkpoint.LoadModel(reference.Folder);
        using var _ = model;
        model.eval();
        using var noGrad = torch.no_grad();
        using var scope = torch.NewDisposeScope();
        var logits = model.call(torch.tensor(reference.LogitTokens, [1, reference.LogitTokens.Length]))[0];   // (T, vocab)
        using var expected = torch.tensor(reference.Logits);
        double worst = (logits - expected).abs().max().item<float>();
        Assert.True(worst < Tolerance, $"{name}: largest logit difference {worst:E2} (tolerance {Tolerance:E0})");
    }

    [Theory]
    [MemberData(nameof(Models))]
    public void Greedy_MatchesThePyTorchReference_WithAndWithoutTheCache(string name)
    {
        var reference = ReferenceModel.Load(name);
        var (model, _, _, _) = Checkpoint.LoadModel(reference.Folder);
        using var _ = model;
        Assert.Equal(reference.Greedy, GreedyWithoutCache(model, reference.Prompt, reference.Greedy.Length));
        Assert.Equal(reference.Greedy, GreedyWithCache(model, reference.Prompt, reference.Greedy.Length));
    }

    [Fact]
    public void Bf16Checkpoint_LoadedInBfloat16_KeepsItsDtypeAndStaysCloseToTheReference()
    {
        var reference = ReferenceModel.Load("llama-linear-bf16");
        var (model, _, _, _) = Checkpoint.LoadModel(reference.Folder, ComputeTarget.Cpu with { DType = ScalarType.BFloat16 });
        using var _ = model;
        Assert.All(model.parameters(), p => Assert.Equal(ScalarType.BFloat16, p.dtype));
        model.eval();
        using var noGrad = torch.no_grad();
        using var scope = torch.NewDisposeScope();
        var logits = model.call(torch.tensor(reference.LogitTokens, [1, reference.LogitTokens.Length]))[0].to(ScalarType.Float32);
        using var expected = torch.tensor(reference.Logits);
        // bfloat16 keeps 8 bits of mantissa: differences of a few hundredths on logits of size ~5.
        double worst = (logits - expected).abs().max().item<float>();
        Assert.True(worst < 0.25, $"largest logit difference in bfloat16 {worst:F3}");
        Assert.True(worst > 0, "a bfloat16 forward that equals the float32 reference exactly was not computed in bfloat16");
    }

    private static long[] GreedyWithoutCache(CausalLanguageModel model, long[] prompt, int steps)
    {
        model.eval();
        using var noGrad = torch.no_grad();
        var ids = prompt.ToList();
        for (int i = 0; i < steps; i++)
        {
            using var scope = torch.NewDisposeScope();
            var logits = model.call(torch.tensor(ids.ToArray(), [1, ids.Count]));
            ids.Add(logits[0, -1].argmax().item<long>());
        }
        return [.. ids.Skip(prompt.Length)];
    }

    private static long[] GreedyWithCache(CausalLanguageModel model, long[] prompt, int steps)
    {
        model.eval();
        using var noGrad = torch.no_grad();
        using var cache = model.NewCache();
        var produced = new List<long>();
        var input = torch.tensor(prompt, [1, prompt.Length]);
        for (int i = 0; i < steps; i++)
        {
            using var scope = torch.NewDisposeScope();
            var logits = model.Forward(input, cache);
            long next = logits[0, -1].argmax().item<long>();
            produced.Add(next);
            input.Dispose();
            input = torch.tensor(new[] { next }, [1, 1]).MoveToOuterDisposeScope();
        }
        input.Dispose();
        return [.. produced];
    }
}
