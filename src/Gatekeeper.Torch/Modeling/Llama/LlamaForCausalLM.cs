using TorchSharp;
using static TorchSharp.torch;

namespace Gatekeeper.Torch.Modeling.Llama;

/// <summary>
/// Llama (Touvron et al. 2023) and Qwen2 as Hugging Face's <c>LlamaForCausalLM</c> /
/// <c>Qwen2ForCausalLM</c>: the decoder stack, then a head that is the embedding when tied.
/// </summary>
public sealed class LlamaForCausalLM : CausalLanguageModel
{
    private readonly LlamaModel model;
    private readonly Projection? lm_head;
    private readonly LlamaConfig _config;

    public LlamaForCausalLM(LlamaConfig config) : base("llama")
    {
        _config = config;
        model = new LlamaModel(config);
        if (!config.TieWordEmbeddings) lm_head = new Projection(config.Hidden, config.VocabSize, hasBias: false);
        RegisterComponents();
    }

    public override ModelConfig Config => _config;

    public override Tensor HiddenStates(Tensor ids, KvCache? cache)
    {
        using var layout = AttentionLayout.For(ids, StartPosition(ids, cache), cache);
        return model.Forward(ids, layout, cache);                             // (B, T, C)
    }

    public override Tensor Head(Tensor hidden) => Logits(hidden, model.TokenEmbedding, lm_head);
}
