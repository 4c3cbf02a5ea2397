using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace Gatekeeper.Torch.Modeling.Gpt2;

/// <summary>Token and position embeddings, pre-norm blocks, a final norm (<c>GPT2Model</c>).</summary>
public sealed class Gpt2Transformer : nn.Module<Tensor, Tensor>
{
    private readonly Embedding wte;
    private readonly Embedding wpe;
    private readonly ModuleList<Gpt2Block> h;
    private readonly LayerNorm ln_f;

    public Gpt2Transformer(Gpt2Config config) : base("transformer")
    {
        wte = nn.Embedding(config.VocabSize, config.Width);
        wpe = nn.Embedding(config.ContextLength, config.Width);
        h = nn.ModuleList(Enumerable.Range(0, config.Layers).Select(i => new Gpt2Block(config, i)).ToArray());
        ln_f = nn.LayerNorm(config.Width, config.LayerNormEpsilon);
        RegisterComponents();
    }

    public Tensor TokenEmbedding => wte.weight!;

    public override Tensor forward(Tensor ids)
    {
        using var layout = AttentionLayout.For(ids, 0, null);
        return Forward(ids, layout, null);
    }

    /// <summary>ids (B, T) at the layout's positions -> hidden states (B, T, C).</summary>
    public Tensor Forward(Tensor ids, AttentionLayout layout, KvCache? cache)
    {
        using var positions = layout.Positions is null
            ? torch.arange(layout.Start, layout.Start + ids.shape[1], dtype: ScalarType.Int64, device: ids.device)   // (T)
            : layout.Positions.alias();                                                                             // (B, T)
        var x = wte.call(ids) + wpe.call(positions);                                                               // (B, T, C)
        for (int layer = 0; layer < h.Count; layer++)
            x = h[layer].Forward(x, layout, cache);
        return ln_f.call(x);
    }
}
