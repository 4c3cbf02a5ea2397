using TorchSharp;
using static TorchSharp.torch;

namespace Gatekeeper.Torch.Modeling;

/// <summary>
/// A causal language model of any family: what training, evaluation, drift and checkpoints see.
/// Parameter names are Hugging Face's tensor names, so a state dict maps onto a checkpoint's
/// keys one to one. Families live in their own folders (<c>Gpt2/</c>, <c>Llama/</c>) behind
/// <see cref="IModelFamily"/>.
/// </summary>
public abstract class CausalLanguageModel : nn.Module<Tensor, Tensor>
{
    protected CausalLanguageModel(string name) : base(name)
    {
    }

    public abstract ModelConfig Config { get; }

    /// <summary>ids (B, T) -> logits (B, T, vocab).</summary>
    public override Tensor forward(Tensor ids) => Forward(ids, null);

    /// <summary>
    /// ids (B, T) -> logits (B, T, vocab). With a cache, <paramref name="ids"/> holds only the
    /// positions after those already cached: the whole prefix into an empty cache, then one
    /// position at a time. A cache made with left padding gives each row its own positions and
    /// keeps its padding out of attention (<see cref="AttentionLayout"/>).
    /// </summary>
    public Tensor Forward(Tensor ids, KvCache? cache) => Head(HiddenStates(ids, cache));

    /// <summary>
    /// ids (B, T) -> the last hidden states (B, T, C), as <see cref="Forward"/> reads them, before the
    /// head: inference that needs the logits of a few positions only (an answer's tokens, the next
    /// token) applies <see cref="Head"/> to those alone, instead of to every position.
    /// </summary>
    public abstract Tensor HiddenStates(Tensor ids, KvCache? cache);

    /// <summary>Hidden states (..., C) -> logits (..., vocab): the token embedding as the head when tied, else the model's own.</summary>
    public abstract Tensor Head(Tensor hidden);

    public KvCache NewCache(IReadOnlyList<int>? leftPadding = null) => new(Config.Layers, leftPadding);

    /// <summary>The linear maps an adapter may wrap, by their names (<c>transformer.h.0.attn.c_attn</c>).</summary>
    public IEnumerable<(string Name, Projection Projection)> Projections() =>
        named_modules().Where(m => m.module is Projection).Select(m => (m.name, (Projection)m.module));

    public long ParameterCount => parameters().Sum(p => p.numel());

    /// <summary>
    /// The model's own parameters by name, with each adapted projection's weight as the adapter
    /// makes it (merged), and the adapters' own parameters left out: what the weights amount to.
    /// </summary>
    public IEnumerable<(string Name, Tensor Value)> EffectiveParameters()
    {
        var adapted = Projections().Where(p => p.Projection.Adapter is IWeightDelta).ToDictionary(p => p.Name + ".weight", p => p.Projection);
        foreach (var (name, parameter) in named_parameters())
        {
            if (name.Contains(".adapter.", StringComparison.Ordinal)) continue;
            if (!adapted.TryGetValue(name, out var projection)) yield return (name, parameter);
            else
            {
                var effective = projection.EffectiveWeight();
                yield return (name, projection.StoredInByOut ? effective.t() : effective);
            }
        }
    }

    /// <summary>Where the parameters live; inputs are created there.</summary>
    public Device Device => parameters().First().device;

    public ScalarType DType => parameters().First().dtype;

    /// <summary>Logits (..., vocab) from last hidden states: the token embedding as the head when tied, else the model's own.</summary>
    protected static Tensor Logits(Tensor hidden, Tensor tokenEmbedding, Projection? head) =>
        head is null ? nn.functional.linear(hidden, tokenEmbedding) : head.call(hidden);

    /// <summary>The first position of <paramref name="ids"/>, after checking it fits the context and the cache rule.</summary>
    protected long StartPosition(Tensor ids, KvCache? cache)
    {
        long start = cache?.Length ?? 0;
        long t = ids.shape[1];
        // A left-padded row's own positions start after its padding: the least padded row is the longest.
        long padding = cache?.LeftPadding?.Min() ?? 0;
        if (start + t - padding > Config.ContextLength)
            throw new ArgumentException($"Sequence of {start + t - padding} tokens exceeds the model's context of {Config.ContextLength}{Config.ContextNote}.");
        if (start > 0 && t > 1)
            throw new ArgumentException("A non-empty KV cache can only be extended one position at a time.");
        return start;
    }
}
