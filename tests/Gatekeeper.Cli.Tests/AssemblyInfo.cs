// Torch tests share the process-wide thread pool and the global live-tensor count: run them one at a time.
[assembly: CollectionBehavior(DisableTestParallelization = true)]
