using System.Text.Json.Nodes;
using Gatekeeper.Torch.Modeling.Gpt2;
using Gatekeeper.Torch.Modeling.Llama;

namespace Gatekeeper.Torch.Modeling;

/// <summary>The families Gatekeeper loads, found by <c>config.json</c>'s <c>model_type</c>.</summary>
public static class ModelFamilies
{
    private static readonly IModelFamily[] All = [new Gpt2Family(), new LlamaFamily()];

    public static IReadOnlyList<string> SupportedTypes => [.. All.SelectMany(f => f.ModelTypes)];

    public static IModelFamily ForType(string? modelType) =>
        All.FirstOrDefault(f => f.ModelTypes.Contains(modelType)) ?? throw new FormatException(
            $"model_type '{modelType}' is not supported; supported: {string.Join(", ", SupportedTypes)}.");

    public static IModelFamily Of(ModelConfig config) => ForType(config.ModelType);

    /// <summary>Reads a <c>config.json</c> of any supported family.</summary>
    public static ModelConfig ReadConfig(JsonObject json) => ForType((string?)json["model_type"]).ReadConfig(json);
}
