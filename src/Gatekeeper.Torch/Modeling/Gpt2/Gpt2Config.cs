namespace Gatekeeper.Torch.Modeling.Gpt2;

/// <summary>
/// A GPT-2 family model's architecture, with Hugging Face's GPT-2 keys (<c>modeling_gpt2.py</c>).
/// The embedded default base is one, with the exact GELU.
/// </summary>
public sealed record Gpt2Config : ModelConfig
{
    public const string ExactGelu = "gelu";
    public const string TanhGelu = "gelu_new";

    /// <summary>The activations accepted; every one but <c>gelu</c> and <c>relu</c> is the tanh approximation.</summary>
    public static readonly IReadOnlyList<string> Activations = [ExactGelu, TanhGelu, "gelu_pytorch_tanh", "gelu_fast", "relu"];

    public override string ModelType => "gpt2";
    public override string Architecture => "GPT2LMHeadModel";

    /// <summary>Attention heads per block (<c>n_head</c>).</summary>
    public required int Heads { get; init; }

    /// <summary>Embedding width (<c>n_embd</c>).</summary>
    public required int Width { get; init; }

    public override int HiddenSize => Width;

    /// <summary>Feed-forward width (<c>n_inner</c>). Default 4 x width.</summary>
    public int? Inner { get; init; }

    /// <summary><c>activation_function</c>. Default <c>gelu_new</c>, as in Hugging Face.</summary>
    public string Activation { get; init; } = TanhGelu;

    /// <summary><c>layer_norm_epsilon</c>. Default 1e-5.</summary>
    public double LayerNormEpsilon { get; init; } = 1e-5;

    /// <summary><c>scale_attn_weights</c>: divide attention scores by sqrt(head size). Default true.</summary>
    public bool ScaleAttentionWeights { get; init; } = true;

    /// <summary><c>scale_attn_by_inverse_layer_idx</c>: also divide layer i's scores by i + 1. Default false.</summary>
    public bool ScaleAttentionByInverseLayerIndex { get; init; }

    public int HeadSize => Width / Heads;

    public int InnerWidth => Inner ?? 4 * Width;

    /// <summary>The embedded default base: about 0.85 M parameters, a few MB on disk.</summary>
    public static Gpt2Config Tiny(int vocabSize) => Small(vocabSize, context: 128, layers: 4, heads: 4, width: 128);

    /// <summary>A small GPT-2 with the exact GELU and a tied head, for the embedded base and tests.</summary>
    public static Gpt2Config Small(int vocabSize, int context, int layers, int heads, int width) => new()
    {
        VocabSize = vocabSize, ContextLength = context, Layers = layers, Heads = heads, Width = width,
        Activation = ExactGelu, TieWordEmbeddings = true,
    };
}
