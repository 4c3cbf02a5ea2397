using System.Text.Json;
using System.Text.Json.Nodes;

namespace Gatekeeper.Torch.Modeling;

/// <summary>
/// A GPT-2 shaped model's size, read from and written to a checkpoint's <c>config.json</c> with
/// Hugging Face's GPT-2 keys.
/// </summary>
/// <param name="VocabSize">Number of token ids.</param>
/// <param name="ContextLength">Longest sequence the position table covers (<c>n_positions</c>).</param>
/// <param name="Layers">Transformer blocks (<c>n_layer</c>).</param>
/// <param name="Heads">Attention heads per block (<c>n_head</c>).</param>
/// <param name="Width">Embedding width (<c>n_embd</c>).</param>
/// <param name="Activation">
/// <c>activation_function</c>: <see cref="ExactGelu"/> or GPT-2's <see cref="TanhGelu"/>.
/// </param>
public sealed record GptConfig(int VocabSize, int ContextLength, int Layers, int Heads, int Width, string Activation = GptConfig.ExactGelu)
{
    public const double LayerNormEpsilon = 1e-5;
    public const string ExactGelu = "gelu";
    public const string TanhGelu = "gelu_new";

    /// <summary>The embedded default base: about 0.85 M parameters, a few MB on disk.</summary>
    public static GptConfig Tiny(int vocabSize) => new(vocabSize, 128, 4, 4, 128);

    public int HeadSize => Width / Heads;

    public string ToJson()
    {
        var json = new JsonObject
        {
            ["model_type"] = "gpt2",
            ["architectures"] = new JsonArray("GPT2LMHeadModel"),
            ["vocab_size"] = VocabSize,
            ["n_positions"] = ContextLength,
            ["n_ctx"] = ContextLength,
            ["n_layer"] = Layers,
            ["n_head"] = Heads,
            ["n_embd"] = Width,
            ["activation_function"] = Activation,
            ["layer_norm_epsilon"] = LayerNormEpsilon,
            ["tie_word_embeddings"] = true,
            ["resid_pdrop"] = 0.0,
            ["embd_pdrop"] = 0.0,
            ["attn_pdrop"] = 0.0,
        };
        return json.ToJsonString(new JsonSerializerOptions { WriteIndented = true });
    }

    /// <summary>Reads a GPT-2 <c>config.json</c>; returns the problems found when it cannot.</summary>
    public static GptConfig FromJson(JsonNode json)
    {
        int Read(string key) => json[key]?.GetValue<int>()
            ?? throw new FormatException($"config.json has no \"{key}\"; a GPT-2 config needs vocab_size, n_positions, n_layer, n_head and n_embd.");
        string activation = (string?)json["activation_function"] ?? TanhGelu;
        if (activation is not (ExactGelu or TanhGelu))
            throw new FormatException($"config.json: activation_function '{activation}' is not supported; use \"{ExactGelu}\" or \"{TanhGelu}\".");
        var config = new GptConfig(Read("vocab_size"), Read("n_positions"), Read("n_layer"), Read("n_head"), Read("n_embd"), activation);
        if (config.Width % config.Heads != 0)
            throw new FormatException($"config.json: n_embd ({config.Width}) must be a multiple of n_head ({config.Heads}).");
        return config;
    }
}
