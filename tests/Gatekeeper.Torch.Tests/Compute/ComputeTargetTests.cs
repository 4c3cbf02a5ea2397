using Gatekeeper.Specs;
using Gatekeeper.Torch.Compute;
using Gatekeeper.Torch.Tests.Reference;
using Gatekeeper.Torch.Checkpoints;
using TorchSharp;
using static TorchSharp.torch;

namespace Gatekeeper.Torch.Tests.Compute;

public sealed class ComputeTargetTests
{
    [Fact]
    public void From_CudaWhereThereIsNone_IsAnInfrastructureFailureThatSaysHowToFixIt()
    {
        if (torch.cuda.is_available())
        {
            Assert.Equal(DeviceType.CUDA, ComputeTarget.From(new ComputeSpec { Device = "cuda:0" }).Device.type);
            return;
        }
        var error = Assert.Throws<InfrastructureException>(() => ComputeTarget.From(new ComputeSpec { Device = "cuda:0" }));
        Assert.Contains("no CUDA device is available", error.Message);
        Assert.Contains("-p:GatekeeperGpu=true", error.Message);
    }

    [Theory]
    [InlineData("float32", ScalarType.Float32)]
    [InlineData("bfloat16", ScalarType.BFloat16)]
    [InlineData("float16", ScalarType.Float16)]
    public void Load_InEachDtype_PutsEveryParameterInIt_AndTheForwardRuns(string dtype, ScalarType expected)
    {
        var target = ComputeTarget.From(new ComputeSpec { DType = dtype });
        var reference = ReferenceModel.Load("qwen2");
        var (model, _, _, _) = Checkpoint.LoadModel(reference.Folder, target);
        using var _ = model;
        Assert.All(model.parameters(), p => Assert.Equal(expected, p.dtype));
        model.eval();
        using var noGrad = torch.no_grad();
        using var scope = torch.NewDisposeScope();
        var logits = model.call(torch.tensor(reference.LogitTokens, [1, reference.LogitTokens.Length]));
        Assert.Equal(expected, logits.dtype);
        Assert.True(logits.isfinite().all().item<bool>());
    }
}
