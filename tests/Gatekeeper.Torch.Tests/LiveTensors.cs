namespace Gatekeeper.Torch.Tests;

/// <summary>Counts the tensors alive, for tests that prove a loop leaves none behind.</summary>
internal static class LiveTensors
{
    /// <summary>Live tensors once earlier tests' abandoned tensors have been finalized.</summary>
    public static long Count()
    {
        GC.Collect();
        GC.WaitForPendingFinalizers();
        GC.Collect();
        return TorchSharp.torch.Tensor.TotalCount;
    }
}
