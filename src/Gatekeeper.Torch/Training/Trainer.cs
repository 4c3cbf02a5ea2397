using System.Diagnostics;
using Gatekeeper.Torch.Modeling;
using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace Gatekeeper.Torch.Training;

/// <summary>
/// The training loop, top to bottom: batch, forward, loss, backward, clip, step, report. A method
/// changes it only through <see cref="ITrainingMethod"/>; data mixing through the batcher's source.
/// The run can be advanced in segments (to probe the model between them) without losing optimizer state,
/// and its state saved at a step boundary and loaded into a fresh trainer, which then continues to
/// the same final weights as an uninterrupted run.
/// </summary>
public sealed class Trainer : IDisposable
{
    private readonly CausalLanguageModel _model;
    private readonly ITrainingMethod _method;
    private readonly PackedBatcher _batches;
    private readonly TrainingOptions _options;
    private readonly IReadOnlyList<Parameter> _trainable;
    private readonly OptimizerHelper _optimizer;
    private readonly Random _random;
    private readonly List<LossPoint> _losses = [];
    private readonly Stopwatch _clock = new();
    private readonly Device _device;
    private TimeSpan _elapsedBefore;

    public Trainer(CausalLanguageModel model, ITrainingMethod method, PackedBatcher batches, TrainingOptions options)
    {
        _model = model;
        _device = model.Device;
        _method = method;
        _batches = batches;
        _options = options;
        _trainable = method.Prepare(model);
        // Decay matrices only: norms' gains and biases are not shrunk towards zero (as GPT-2 and nanoGPT train).
        var decayed = _trainable.Where(p => options.DecayEveryParameter || p.dim() >= 2).ToList();
        var undecayed = _trainable.Except(decayed).ToList();
        var groups = new[] { (decayed, options.WeightDecay), (undecayed, 0.0) }
            .Where(g => g.Item1.Count > 0)
            .Select(g => new AdamW.ParamGroup(g.Item1, new AdamW.Options { weight_decay = g.Item2 }))
            .ToArray();
        _optimizer = torch.optim.AdamW(groups, options.LearningRate);
        _random = new Random(options.Seed);
    }

    /// <summary>Steps taken so far.</summary>
    public int Step { get; private set; }

    /// <summary>Trains all remaining steps.</summary>
    public TrainingResult Run(IProgress<TrainingProgress>? progress = null, CancellationToken cancellation = default)
    {
        Advance(_options.Steps - Step, progress, cancellation);
        return Result;
    }

    public TrainingResult Result => new(_losses.ToList(), _elapsedBefore + _clock.Elapsed) { TrainableParameters = _trainable.Sum(p => p.numel()) };

    /// <summary>
    /// Writes what continuing needs into <paramref name="folder"/> (replacing it): the trainable
    /// weights, the optimizer's moments, torch's random state, the step and the loss curve.
    /// </summary>
    public void SaveState(string folder)
    {
        var staging = AtomicFolder.Stage(folder);
        Checkpoints.SafetensorsFile.Write(Path.Combine(staging, StateWeights), _trainable.Select((p, i) => (i.ToString("D5", System.Globalization.CultureInfo.InvariantCulture), (Tensor)p)));
        using (var writer = new BinaryWriter(File.Create(Path.Combine(staging, StateOptimizer)))) _optimizer.save_state_dict(writer);
        using (var rng = torch.get_rng_state()) File.WriteAllBytes(Path.Combine(staging, StateRandom), rng.bytes.ToArray());
        var json = new System.Text.Json.Nodes.JsonObject
        {
            ["step"] = Step,
            ["elapsed_seconds"] = Result.Elapsed.TotalSeconds,
            ["losses"] = new System.Text.Json.Nodes.JsonArray([.. _losses.Select(l => (System.Text.Json.Nodes.JsonNode)new System.Text.Json.Nodes.JsonArray(l.Step, l.Loss, l.At.ToUnixTimeMilliseconds()))]),
        };
        File.WriteAllText(Path.Combine(staging, StateFile), json.ToJsonString());
        AtomicFolder.Commit(staging, folder);
    }

    /// <summary>Loads a state written by <see cref="SaveState"/> into this (fresh) trainer and replays the data order up to its step.</summary>
    public void LoadState(string folder)
    {
        if (Step != 0) throw new InvalidOperationException("Only a trainer that has not stepped can take a saved state.");
        var state = System.Text.Json.Nodes.JsonNode.Parse(File.ReadAllText(Path.Combine(folder, StateFile)))!;
        int step = (int)state["step"]!;
        var header = Checkpoints.SafetensorsHeader.Read(Path.Combine(folder, StateWeights));
        if (header.Tensors.Count != _trainable.Count) throw new InvalidDataException($"{folder}: the saved state has {header.Tensors.Count} trainable tensors, this run {_trainable.Count}.");
        foreach (var tensor in header.Tensors)
            Checkpoints.SafetensorsFile.ReadInto(header, tensor, _trainable[int.Parse(tensor.Name, System.Globalization.CultureInfo.InvariantCulture)]);
        using (var reader = new BinaryReader(File.OpenRead(Path.Combine(folder, StateOptimizer)))) _optimizer.load_state_dict(reader);
        var rngBytes = File.ReadAllBytes(Path.Combine(folder, StateRandom));
        using (var rng = torch.get_rng_state())
        {
            rngBytes.CopyTo(rng.bytes);
            torch.set_rng_state(rng);
        }
        // The data order: the same draws an uninterrupted run made before this step.
        for (int i = 0; i < step * _options.GradientAccumulation; i++)
        {
            var (inputs, targets) = _batches.Next(_random);
            inputs.Dispose();
            targets.Dispose();
        }
        _losses.AddRange(state["losses"]!.AsArray().Select(p => new LossPoint((int)p![0]!, (double)p[1]!, DateTimeOffset.FromUnixTimeMilliseconds((long)p[2]!))));
        _elapsedBefore = TimeSpan.FromSeconds((double)state["elapsed_seconds"]!);
        Step = step;
    }

    private const string StateFile = "state.json";
    private const string StateWeights = "trainable.safetensors";
    private const string StateOptimizer = "optimizer.bin";
    private const string StateRandom = "rng.bin";

    /// <summary>Trains up to <paramref name="steps"/> more steps (never past the configured total).</summary>
    public void Advance(int steps, IProgress<TrainingProgress>? progress = null, CancellationToken cancellation = default)
    {
        int end = Math.Min(_options.Steps, Step + steps);
        _clock.Start();
        var window = Stopwatch.StartNew();
        double windowLoss = 0;
        long windowTokens = 0;
        int windowSteps = 0;
        _model.train();

        for (; Step < end; Step++)
        {
            cancellation.ThrowIfCancellationRequested();
            double learningRate = LearningRateSchedule.At(Step, _options);
            foreach (var group in _optimizer.ParamGroups) group.LearningRate = learningRate;

            _optimizer.zero_grad();
            double value = 0;
            for (int micro = 0; micro < _options.GradientAccumulation; micro++)
            {
                using var scope = torch.NewDisposeScope();
                var (inputs, targets) = _batches.Next(_random, _device);      // (B, T), (B, T)
                var logits = _model.call(inputs);                             // (B, T, vocab)
                // The loss in float32 whatever the model's dtype, as Hugging Face computes it.
                var loss = nn.functional.cross_entropy(
                    logits.view(-1, logits.shape[2]).to(ScalarType.Float32), targets.view(-1), ignore_index: PackedBatcher.IgnoreIndex);
                if (_options.GradientAccumulation > 1) loss = loss / _options.GradientAccumulation;
                // The method's term once per optimizer step, not once per accumulated batch.
                if (micro == 0 && _method.ExtraLoss(_model) is { } extra) loss = loss + extra;
                double part = loss.ToDouble();
                if (!double.IsFinite(part)) throw Diverged(Step + 1, $"the loss is {part}");
                value += part;
                loss.backward();
                windowTokens += inputs.numel();
            }

            using (var scope = torch.NewDisposeScope())
            {
                if (_options.ClipNorm > 0)
                {
                    double norm = nn.utils.clip_grad_norm_(_trainable, _options.ClipNorm);
                    if (!double.IsFinite(norm)) throw Diverged(Step + 1, $"the gradient's norm is {norm}");
                }
                _optimizer.step();
                windowLoss += value;
                windowSteps++;
            }

            int done = Step + 1;
            if (done % _options.ReportEvery == 0 || done == end)
            {
                if (_trainable.FirstOrDefault(p => !p.isfinite().all().item<bool>()) is { } broken)
                    throw Diverged(done, $"a weight of shape [{string.Join(", ", broken.shape)}] is no longer finite");
                double mean = windowLoss / windowSteps;
                var now = DateTimeOffset.UtcNow;
                _losses.Add(new LossPoint(done, mean, now));
                progress?.Report(new TrainingProgress(done, _options.Steps, mean, learningRate, windowTokens / window.Elapsed.TotalSeconds) { At = now });
                (windowLoss, windowTokens, windowSteps) = (0, 0, 0);
                window.Restart();
            }
        }
        _clock.Stop();
        _model.eval();
    }

    public void Dispose() => _optimizer.Dispose();

    /// <summary>
    /// Training that produced a NaN or an infinity stops: its weights are garbage, and the gate must
    /// not judge them. An infrastructure failure (exit 3), since no verdict can be given.
    /// </summary>
    private static InfrastructureException Diverged(int step, string what) =>
        new($"training diverged at step {step}: {what}. No candidate was written. Lower the learning rate or raise the clipping (a float16 run may need bfloat16 or float32).");
}
