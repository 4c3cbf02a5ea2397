using Gatekeeper.Torch.Modeling;
using TorchSharp;

namespace Gatekeeper.Torch.Checkpoints;

/// <summary>
/// Fills a model's parameters from a checkpoint's weight files, and lists them for writing. Every
/// parameter must be present with its exact shape, and every tensor must fill one (or be one the
/// family knows to skip); all of that is checked before any data is read.
/// </summary>
public static class ModelWeights
{
    public static void Load(CausalLanguageModel model, WeightFiles files)
    {
        var family = ModelFamilies.Of(model.Config);
        var parameters = model.named_parameters().ToDictionary(p => p.name, p => p.parameter);
        var sources = new Dictionary<string, (SafetensorsHeader Header, SafetensorsTensor Tensor)>();
        var unexpected = new List<string>();
        foreach (var (header, tensor) in files.Tensors)
        {
            var name = family.ParameterName(tensor.Name, model.Config);
            if (name is null) continue;
            if (!parameters.ContainsKey(name)) unexpected.Add(tensor.Name);
            else if (!sources.TryAdd(name, (header, tensor)))
                throw new InvalidDataException($"{files.Directory}: two tensors fill parameter '{name}' ('{sources[name].Tensor.Name}' and '{tensor.Name}').");
        }
        var missing = parameters.Keys.Where(k => !sources.ContainsKey(k)).ToList();
        if (missing.Count > 0 || unexpected.Count > 0)
        {
            throw new InvalidDataException($"{files.Directory}: the weights do not match a {model.Config.ModelType} model of this config.json: " +
                $"{missing.Count} missing [{string.Join(", ", missing.Take(5))}], {unexpected.Count} unexpected [{string.Join(", ", unexpected.Take(5))}].");
        }
        foreach (var (name, (header, tensor)) in sources)
        {
            if (!SafetensorsFile.SupportedDTypes.Contains(tensor.DType))
                throw new InvalidDataException($"{header.Path}: tensor '{tensor.Name}' is {tensor.DType}; supported: {string.Join(", ", SafetensorsFile.SupportedDTypes)}.");
            var shape = parameters[name].shape;
            if (!tensor.Shape.SequenceEqual(shape))
                throw new InvalidDataException($"{header.Path}: tensor '{tensor.Name}' has shape [{string.Join(", ", tensor.Shape)}], which does not fit parameter '{name}' [{string.Join(", ", shape)}].");
        }
        foreach (var (name, (header, tensor)) in sources)
            SafetensorsFile.ReadInto(header, tensor, parameters[name]);
    }

    /// <summary>The tensors a checkpoint of this model holds, under Hugging Face's names.</summary>
    public static IEnumerable<(string Name, torch.Tensor Tensor)> Entries(CausalLanguageModel model) =>
        model.named_parameters().Select(p => (p.name, (torch.Tensor)p.parameter));
}
