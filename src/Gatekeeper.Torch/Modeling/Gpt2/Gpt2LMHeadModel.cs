using TorchSharp;
using static TorchSharp.torch;

namespace Gatekeeper.Torch.Modeling.Gpt2;

/// <summary>
/// GPT-2 (Radford et al. 2019) as Hugging Face's <c>GPT2LMHeadModel</c>: the transformer, then
/// an output head that is the token embedding unless the config unties it.
/// </summary>
public sealed class Gpt2LMHeadModel : CausalLanguageModel
{
    private readonly Gpt2Transformer transformer;
    private readonly Projection? lm_head;
    private readonly Gpt2Config _config;

    public Gpt2LMHeadModel(Gpt2Config config) : base("gpt2")
    {
        _config = config;
        transformer = new Gpt2Transformer(config);
        if (!config.TieWordEmbeddings) lm_head = new Projection(config.Width, config.VocabSize, hasBias: false);
        RegisterComponents();
    }

    public override ModelConfig Config => _config;

    public override Tensor HiddenStates(Tensor ids, KvCache? cache)
    {
        using var layout = AttentionLayout.For(ids, StartPosition(ids, cache), cache);
        return transformer.Forward(ids, layout, cache);                       // (B, T, C)
    }

    public override Tensor Head(Tensor hidden) => Logits(hidden, transformer.TokenEmbedding, lm_head);

    /// <summary>
    /// GPT-2's initialisation for training from scratch: N(0, 0.02), residual projections scaled
    /// by 1/sqrt(2 * layers). Draws are made in (out, in) order for every projection, whatever
    /// its storage, so a seed gives the same model as it always has.
    /// </summary>
    public void InitializeWeights(int seed)
    {
        using var _ = torch.no_grad();
        var generator = new Generator((ulong)seed);
        var transposed = Projections().Where(p => p.Projection.StoredInByOut).Select(p => p.Name + ".weight").ToHashSet();
        foreach (var (name, parameter) in named_parameters())
        {
            if (name.EndsWith(".bias", StringComparison.Ordinal)) parameter.zero_();
            else if (name.Contains("ln_", StringComparison.Ordinal)) parameter.fill_(1.0);
            else
            {
                double std = name.EndsWith("c_proj.weight", StringComparison.Ordinal) ? 0.02 / Math.Sqrt(2.0 * _config.Layers) : 0.02;
                if (!transposed.Contains(name)) parameter.normal_(0, std, generator);
                else
                {
                    using var drawn = torch.empty(parameter.shape[1], parameter.shape[0]).normal_(0, std, generator);
                    parameter.copy_(drawn.t());
                }
            }
        }
    }
}
