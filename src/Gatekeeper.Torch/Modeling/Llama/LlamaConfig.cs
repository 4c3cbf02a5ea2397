namespace Gatekeeper.Torch.Modeling.Llama;

/// <summary>
/// A Llama-family model's architecture (Llama 2 and 3, TinyLlama, SmolLM; Qwen2 with its q/k/v
/// biases), with Hugging Face's keys (<c>modeling_llama.py</c>, <c>modeling_qwen2.py</c>).
/// </summary>
public sealed record LlamaConfig : ModelConfig
{
    public const string LlamaType = "llama";
    public const string Qwen2Type = "qwen2";

    /// <summary><c>llama</c> or <c>qwen2</c>.</summary>
    public required string Type { get; init; }

    public override string ModelType => Type;
    public override string Architecture => Type == Qwen2Type ? "Qwen2ForCausalLM" : "LlamaForCausalLM";

    /// <summary><c>hidden_size</c>.</summary>
    public required int Hidden { get; init; }

    public override int HiddenSize => Hidden;

    /// <summary><c>intermediate_size</c>: the SwiGLU width.</summary>
    public required int Intermediate { get; init; }

    /// <summary><c>num_attention_heads</c>.</summary>
    public required int Heads { get; init; }

    /// <summary><c>num_key_value_heads</c>: fewer than the heads for grouped-query attention. Default: the heads.</summary>
    public required int KeyValueHeads { get; init; }

    /// <summary><c>head_dim</c>. Default hidden / heads.</summary>
    public required int HeadDim { get; init; }

    /// <summary><c>rms_norm_eps</c>. Default 1e-6.</summary>
    public double RmsNormEpsilon { get; init; } = 1e-6;

    /// <summary><c>rope_theta</c>. Default 10000.</summary>
    public double RopeTheta { get; init; } = 10000;

    /// <summary><c>rope_scaling</c>, null for none.</summary>
    public RopeScaling? RopeScaling { get; init; }

    /// <summary>Biases on q, k and v (Qwen2; Llama's <c>attention_bias</c>).</summary>
    public bool QkvBias { get; init; }

    /// <summary>A bias on the attention output (Llama's <c>attention_bias</c>).</summary>
    public bool OutputBias { get; init; }

    /// <summary><c>mlp_bias</c>. Default false.</summary>
    public bool MlpBias { get; init; }

    /// <summary>A sliding attention window in force (Qwen2's <c>use_sliding_window</c>), which caps the context.</summary>
    public int? SlidingWindow { get; init; }

    /// <summary>The model's own <c>max_position_embeddings</c>, kept when a sliding window caps the context.</summary>
    public required int MaxPositionEmbeddings { get; init; }

    public override string ContextNote => SlidingWindow is { } w && w < MaxPositionEmbeddings
        ? $" (its sliding window of {w}; sequences longer than the window are not supported)"
        : "";
}
