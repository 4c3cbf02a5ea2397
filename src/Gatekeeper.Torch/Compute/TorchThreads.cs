using TorchSharp;

namespace Gatekeeper.Torch.Compute;

/// <summary>
/// Torch's CPU thread count, which training and evaluation set differently. On the CPU the forward
/// pass gives the same bits at any thread count, but the backward pass splits its sums between the
/// threads, so the weights a training reaches depend on how many it ran on. Training therefore runs
/// at a fixed count (by default the machine's cores, whatever their load) and records it; evaluation
/// may take whatever cores are free.
/// </summary>
public static class TorchThreads
{
    /// <summary>The count training runs at unless told otherwise: the machine's cores, not the idle ones.</summary>
    public static int TrainingDefault => Environment.ProcessorCount;

    /// <summary>Runs torch at <paramref name="threads"/> until the result is disposed, then restores the count before.</summary>
    public static IDisposable Use(int threads)
    {
        if (threads < 1) throw new ArgumentOutOfRangeException(nameof(threads), threads, "Torch needs at least 1 thread.");
        int before = torch.get_num_threads();
        torch.set_num_threads(threads);
        return new Restore(before);
    }

    private sealed class Restore(int threads) : IDisposable
    {
        public void Dispose() => torch.set_num_threads(threads);
    }
}
