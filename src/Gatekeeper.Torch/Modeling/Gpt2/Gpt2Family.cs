using System.Text.Json.Nodes;

namespace Gatekeeper.Torch.Modeling.Gpt2;

/// <summary>GPT-2 checkpoints: <c>GPT2LMHeadModel</c>'s keys, or <c>GPT2Model</c>'s without the <c>transformer.</c> prefix.</summary>
public sealed class Gpt2Family : IModelFamily
{
    private const string Prefix = "transformer.";

    public IReadOnlyList<string> ModelTypes => ["gpt2"];

    public ModelConfig ReadConfig(JsonObject json)
    {
        var keys = new ConfigKeys(json);
        if (keys.Bool("add_cross_attention", false))
            throw new FormatException("config.json: add_cross_attention is true; only decoder-only GPT-2 models are supported.");
        string activation = keys.String("activation_function", Gpt2Config.TanhGelu);
        if (!Gpt2Config.Activations.Contains(activation))
            throw new FormatException($"config.json: activation_function '{activation}' is not supported; supported: {string.Join(", ", Gpt2Config.Activations)}.");
        var config = new Gpt2Config
        {
            VocabSize = keys.RequiredInt("vocab_size"),
            ContextLength = keys.RequiredInt("n_positions"),
            Layers = keys.RequiredInt("n_layer"),
            Heads = keys.RequiredInt("n_head"),
            Width = keys.RequiredInt("n_embd"),
            Inner = keys.Int("n_inner"),
            Activation = activation,
            LayerNormEpsilon = keys.Double("layer_norm_epsilon", 1e-5),
            ScaleAttentionWeights = keys.Bool("scale_attn_weights", true),
            ScaleAttentionByInverseLayerIndex = keys.Bool("scale_attn_by_inverse_layer_idx", false),
            TieWordEmbeddings = keys.Bool("tie_word_embeddings", true),
        };
        if (config.Width % config.Heads != 0)
            throw new FormatException($"config.json: n_embd ({config.Width}) must be a multiple of n_head ({config.Heads}).");
        return config;
    }

    public JsonObject WriteConfig(ModelConfig config)
    {
        var c = (Gpt2Config)config;
        var json = new JsonObject
        {
            ["vocab_size"] = c.VocabSize,
            ["n_positions"] = c.ContextLength,
            ["n_ctx"] = c.ContextLength,
            ["n_layer"] = c.Layers,
            ["n_head"] = c.Heads,
            ["n_embd"] = c.Width,
            ["activation_function"] = c.Activation,
            ["layer_norm_epsilon"] = c.LayerNormEpsilon,
            ["scale_attn_weights"] = c.ScaleAttentionWeights,
            ["scale_attn_by_inverse_layer_idx"] = c.ScaleAttentionByInverseLayerIndex,
            ["tie_word_embeddings"] = c.TieWordEmbeddings,
        };
        if (c.Inner is { } inner) json["n_inner"] = inner;
        return json;
    }

    public CausalLanguageModel Create(ModelConfig config) => new Gpt2LMHeadModel((Gpt2Config)config);

    public string? ParameterName(string checkpointKey, ModelConfig config)
    {
        // Buffers some GPT-2 files carry beside the weights: the causal mask and its fill value.
        if (checkpointKey.EndsWith(".attn.bias", StringComparison.Ordinal) || checkpointKey.EndsWith(".attn.masked_bias", StringComparison.Ordinal))
            return null;
        if (checkpointKey == "lm_head.weight") return config.TieWordEmbeddings ? null : checkpointKey;
        return checkpointKey.StartsWith(Prefix, StringComparison.Ordinal) ? checkpointKey : Prefix + checkpointKey;
    }
}
