using System.Text.Json.Nodes;

namespace Gatekeeper.Torch.Modeling.Llama;

/// <summary>Llama and Qwen2 checkpoints: <c>model.layers.N...</c> keys, a head at <c>lm_head.weight</c> unless tied.</summary>
public sealed class LlamaFamily : IModelFamily
{
    private const string Prefix = "model.";

    public IReadOnlyList<string> ModelTypes => [LlamaConfig.LlamaType, LlamaConfig.Qwen2Type];

    public ModelConfig ReadConfig(JsonObject json)
    {
        var keys = new ConfigKeys(json);
        string type = keys.String("model_type", LlamaConfig.LlamaType);
        bool qwen2 = type == LlamaConfig.Qwen2Type;
        string activation = keys.String("hidden_act", "silu");
        if (activation != "silu")
            throw new FormatException($"config.json: hidden_act '{activation}' is not supported for {type}; supported: silu.");
        int hidden = keys.RequiredInt("hidden_size");
        int heads = keys.RequiredInt("num_attention_heads");
        int kvHeads = keys.Int("num_key_value_heads") ?? heads;
        if (heads % kvHeads != 0)
            throw new FormatException($"config.json: num_attention_heads ({heads}) must be a multiple of num_key_value_heads ({kvHeads}).");
        int headDim = keys.Int("head_dim") ?? (hidden % heads == 0 ? hidden / heads
            : throw new FormatException($"config.json: hidden_size ({hidden}) is not a multiple of num_attention_heads ({heads}); give head_dim."));
        if (headDim % 2 != 0) throw new FormatException($"config.json: head_dim ({headDim}) must be even for rotary embeddings.");
        if (keys.Double("partial_rotary_factor", 1.0) != 1.0)
            throw new FormatException("config.json: partial_rotary_factor other than 1 is not supported.");

        // Newer configs carry rope_theta and the scaling together in rope_parameters.
        var ropeParameters = keys.Object("rope_parameters");
        double theta = ropeParameters is null ? keys.Double("rope_theta", 10000) : new ConfigKeys(ropeParameters).Double("rope_theta", keys.Double("rope_theta", 10000));
        var scaling = ReadScaling(ropeParameters ?? keys.Object("rope_scaling"));

        int maxPositions = keys.RequiredInt("max_position_embeddings");
        int? window = qwen2 && keys.Bool("use_sliding_window", false) ? keys.Int("sliding_window") : null;
        if (!qwen2 && keys.Int("sliding_window") is { } w && w < maxPositions)
            window = w;
        bool attentionBias = keys.Bool("attention_bias", false);
        return new LlamaConfig
        {
            Type = type,
            VocabSize = keys.RequiredInt("vocab_size"),
            Layers = keys.RequiredInt("num_hidden_layers"),
            Hidden = hidden,
            Intermediate = keys.RequiredInt("intermediate_size"),
            Heads = heads,
            KeyValueHeads = kvHeads,
            HeadDim = headDim,
            RmsNormEpsilon = keys.Double("rms_norm_eps", 1e-6),
            RopeTheta = theta,
            RopeScaling = scaling,
            QkvBias = qwen2 || attentionBias,
            OutputBias = !qwen2 && attentionBias,
            MlpBias = !qwen2 && keys.Bool("mlp_bias", false),
            TieWordEmbeddings = keys.Bool("tie_word_embeddings", false),
            MaxPositionEmbeddings = maxPositions,
            SlidingWindow = window,
            ContextLength = window is { } cap ? Math.Min(cap, maxPositions) : maxPositions,
        };
    }

    private static RopeScaling? ReadScaling(JsonObject? json)
    {
        if (json is null) return null;
        var keys = new ConfigKeys(json);
        string type = keys.String("rope_type", keys.String("type", "default"));
        switch (type)
        {
            case "default":
                return null;
            case RopeScaling.Linear:
                return new RopeScaling(type, Factor(keys));
            case RopeScaling.Llama3:
                var scaling = new RopeScaling(type, Factor(keys), keys.Double("low_freq_factor", 1), keys.Double("high_freq_factor", 4),
                    keys.Int("original_max_position_embeddings") ?? throw new FormatException("config.json: rope_scaling of type llama3 needs original_max_position_embeddings."));
                if (scaling.HighFrequencyFactor <= scaling.LowFrequencyFactor)
                    throw new FormatException("config.json: rope_scaling's high_freq_factor must be larger than its low_freq_factor.");
                return scaling;
            default:
                throw new FormatException($"config.json: rope_scaling of type '{type}' is not supported; supported: {string.Join(", ", RopeScaling.Supported)}.");
        }
    }

    private static double Factor(ConfigKeys keys)
    {
        double factor = keys.Double("factor", double.NaN);
        return factor >= 1 ? factor : throw new FormatException("config.json: rope_scaling needs a factor of at least 1.");
    }

    public JsonObject WriteConfig(ModelConfig config)
    {
        var c = (LlamaConfig)config;
        var json = new JsonObject
        {
            ["vocab_size"] = c.VocabSize,
            ["hidden_size"] = c.Hidden,
            ["intermediate_size"] = c.Intermediate,
            ["num_hidden_layers"] = c.Layers,
            ["num_attention_heads"] = c.Heads,
            ["num_key_value_heads"] = c.KeyValueHeads,
            ["head_dim"] = c.HeadDim,
            ["max_position_embeddings"] = c.MaxPositionEmbeddings,
            ["rms_norm_eps"] = c.RmsNormEpsilon,
            ["rope_theta"] = c.RopeTheta,
            ["hidden_act"] = "silu",
            ["tie_word_embeddings"] = c.TieWordEmbeddings,
        };
        if (c.Type == LlamaConfig.LlamaType)
        {
            json["attention_bias"] = c.OutputBias;
            json["mlp_bias"] = c.MlpBias;
        }
        return json;
    }

    public CausalLanguageModel Create(ModelConfig config) => new LlamaForCausalLM((LlamaConfig)config);

    public string? ParameterName(string checkpointKey, ModelConfig config)
    {
        // Older checkpoints store the rotary frequencies as a buffer; they are computed from the config instead.
        if (checkpointKey.EndsWith(".rotary_emb.inv_freq", StringComparison.Ordinal)) return null;
        if (checkpointKey == "lm_head.weight") return config.TieWordEmbeddings ? null : checkpointKey;
        return checkpointKey.StartsWith(Prefix, StringComparison.Ordinal) ? checkpointKey : Prefix + checkpointKey;
    }
}
