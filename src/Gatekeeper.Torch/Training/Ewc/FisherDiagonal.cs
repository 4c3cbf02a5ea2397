using Gatekeeper.Torch.Checkpoints;
using Gatekeeper.Torch.Modeling;
using TorchSharp;
using static TorchSharp.torch;

namespace Gatekeeper.Torch.Training.Ewc;

/// <summary>
/// The diagonal of the empirical Fisher information of a model on general data: the mean over
/// batches of the squared gradient of the loss on the data's own answers (not on answers sampled
/// from the model). Each batch of <c>batch_size</c> rows gives one squared gradient, so batch
/// size 1 is the per-example empirical Fisher and larger batches a cheaper, smoother estimate.
/// Owned tensors are freed with the object.
/// </summary>
public sealed class FisherDiagonal : IDisposable
{
    private FisherDiagonal(Dictionary<string, Tensor> values) => Values = values;

    /// <summary>F_i by parameter name, on the model's device, float32.</summary>
    public IReadOnlyDictionary<string, Tensor> Values { get; }

    public static FisherDiagonal Estimate(CausalLanguageModel model, PackedBatcher batches, int count, int seed, CancellationToken cancellation = default)
    {
        var parameters = model.named_parameters().Where(p => p.parameter.requires_grad).ToList();
        var sums = parameters.ToDictionary(p => p.name, p => torch.zeros(p.parameter.shape, dtype: ScalarType.Float32, device: p.parameter.device));
        var random = new Random(seed);
        var device = model.Device;
        bool wasTraining = model.training;
        model.eval();   // no dropout: the Fisher of the model as it is
        for (int b = 0; b < count; b++)
        {
            cancellation.ThrowIfCancellationRequested();
            using var scope = torch.NewDisposeScope();
            var (inputs, targets) = batches.Next(random, device);                              // (B, T), (B, T)
            var logits = model.call(inputs);                                                  // (B, T, vocab)
            var loss = nn.functional.cross_entropy(logits.view(-1, logits.shape[2]).to(ScalarType.Float32), targets.view(-1), ignore_index: PackedBatcher.IgnoreIndex);
            model.zero_grad();
            loss.backward();
            using var noGrad = torch.no_grad();
            foreach (var (name, parameter) in parameters)
            {
                if (parameter.grad is { } grad) sums[name].add_(grad.to(ScalarType.Float32).pow(2));
            }
        }
        model.zero_grad();
        if (wasTraining) model.train();
        using (torch.no_grad())
        {
            foreach (var sum in sums.Values) sum.div_(count);
        }
        return new FisherDiagonal(sums);
    }

    /// <summary>
    /// Adds <paramref name="weight"/> · <paramref name="other"/> to this Fisher, in place: online EWC's
    /// decayed sum over a chain of fine-tunes. Both must cover the same parameters with the same shapes.
    /// </summary>
    public void Accumulate(FisherDiagonal other, double weight)
    {
        foreach (var (name, value) in Values)
        {
            if (!other.Values.TryGetValue(name, out var added) || !added.shape.SequenceEqual(value.shape))
                throw new InvalidDataException($"parameter '{name}' of shape [{string.Join(", ", value.shape)}] has no counterpart of that shape.");
        }
        if (other.Values.Count != Values.Count)
            throw new InvalidDataException($"{other.Values.Count} parameters against {Values.Count}.");
        using var noGrad = torch.no_grad();
        foreach (var (name, value) in Values) value.add_(other.Values[name].to(value.device), alpha: weight);
    }

    /// <summary>Reads a Fisher saved by <see cref="Save"/>; null when the file is missing or does not fit the model.</summary>
    public static FisherDiagonal? TryLoad(string path, CausalLanguageModel model)
    {
        if (!File.Exists(path)) return null;
        try
        {
            var header = SafetensorsHeader.Read(path);
            var parameters = model.named_parameters().Where(p => p.parameter.requires_grad).ToDictionary(p => p.name, p => p.parameter);
            if (header.Tensors.Count != parameters.Count) return null;
            var values = new Dictionary<string, Tensor>();
            foreach (var tensor in header.Tensors)
            {
                if (!parameters.TryGetValue(tensor.Name, out var parameter) || !tensor.Shape.SequenceEqual(parameter.shape))
                {
                    foreach (var v in values.Values) v.Dispose();
                    return null;
                }
                var value = torch.empty(tensor.Shape, dtype: ScalarType.Float32, device: parameter.device);
                SafetensorsFile.ReadInto(header, tensor, value);
                values[tensor.Name] = value;
            }
            return new FisherDiagonal(values);
        }
        catch (InvalidDataException)
        {
            return null;   // a damaged cache entry is only a cache miss
        }
    }

    public void Save(string path)
    {
        Directory.CreateDirectory(Path.GetDirectoryName(path)!);
        var temporary = path + ".writing";
        SafetensorsFile.Write(temporary, Values.Select(v => (v.Key, v.Value)), new Dictionary<string, string> { ["format"] = "pt", ["content"] = "gatekeeper ewc fisher diagonal" });
        File.Move(temporary, path, overwrite: true);
    }

    public void Dispose()
    {
        foreach (var value in Values.Values) value.Dispose();
    }
}
