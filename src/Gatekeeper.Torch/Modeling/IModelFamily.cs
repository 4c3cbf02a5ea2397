using System.Text.Json.Nodes;

namespace Gatekeeper.Torch.Modeling;

/// <summary>
/// One model family: how its <c>config.json</c> reads and writes, how a model is built from it,
/// and which checkpoint tensors fill which parameters.
/// </summary>
public interface IModelFamily
{
    /// <summary>The <c>model_type</c> values it loads.</summary>
    IReadOnlyList<string> ModelTypes { get; }

    /// <summary>Reads a config; throws <see cref="FormatException"/> naming the key and what is supported.</summary>
    ModelConfig ReadConfig(JsonObject json);

    /// <summary>The keys this family defines, written over the source config's when a checkpoint is saved.</summary>
    JsonObject WriteConfig(ModelConfig config);

    CausalLanguageModel Create(ModelConfig config);

    /// <summary>
    /// The parameter a checkpoint tensor fills, or null for one the model does not need (a buffer
    /// such as GPT-2's causal mask, or the head of a model whose head is its embedding).
    /// </summary>
    string? ParameterName(string checkpointKey, ModelConfig config);
}
