using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace Gatekeeper.Torch.Modeling.Llama;

/// <summary>Token embedding, decoder layers sharing one rotary table, a final RMSNorm.</summary>
public sealed class LlamaModel : nn.Module<Tensor, Tensor>
{
    private readonly Embedding embed_tokens;
    private readonly ModuleList<LlamaDecoderLayer> layers;
    private readonly RmsNorm norm;
    private readonly RotaryEmbedding _rotary;

    public LlamaModel(LlamaConfig config) : base("model")
    {
        embed_tokens = nn.Embedding(config.VocabSize, config.Hidden);
        layers = nn.ModuleList(Enumerable.Range(0, config.Layers).Select(i => new LlamaDecoderLayer(config, i)).ToArray());
        norm = new RmsNorm(config.Hidden, config.RmsNormEpsilon);
        _rotary = new RotaryEmbedding(config);
        RegisterComponents();
    }

    public Tensor TokenEmbedding => embed_tokens.weight!;

    public override Tensor forward(Tensor ids) => Forward(ids, 0, null);

    /// <summary>ids (B, T) from position <paramref name="start"/> -> hidden states (B, T, C).</summary>
    public Tensor Forward(Tensor ids, long start, KvCache? cache)
    {
        var x = embed_tokens.call(ids);                                                        // (B, T, C)
        var (cos, sin) = _rotary.CosSin(start, ids.shape[1], x.dtype, x.device);              // (T, hd) each
        for (int i = 0; i < layers.Count; i++)
            x = layers[i].Forward(x, cos, sin, cache);
        return norm.call(x);
    }
}
