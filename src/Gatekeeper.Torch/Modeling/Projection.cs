using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace Gatekeeper.Torch.Modeling;

/// <summary>
/// A linear map, y = x Wᵀ + b, whose weight is stored either (out, in) like <c>nn.Linear</c> or
/// (in, out) like GPT-2's Conv1D, so parameter names and shapes are the checkpoint's own. It is
/// the one place adapters wrap: an attached adapter's output is added to the map's.
/// </summary>
public sealed class Projection : nn.Module<Tensor, Tensor>
{
    private readonly Parameter weight;
    private readonly Parameter? bias;
    private nn.Module<Tensor, Tensor>? adapter;

    /// <param name="inFeatures">Input width.</param>
    /// <param name="outFeatures">Output width.</param>
    /// <param name="hasBias">Whether b exists.</param>
    /// <param name="storedInByOut">True for GPT-2's Conv1D layout, (in, out).</param>
    public Projection(long inFeatures, long outFeatures, bool hasBias, bool storedInByOut = false) : base("projection")
    {
        InFeatures = inFeatures;
        OutFeatures = outFeatures;
        StoredInByOut = storedInByOut;
        // Uninitialised: a checkpoint fills every parameter, and training from scratch initialises explicitly.
        weight = new Parameter(storedInByOut ? torch.empty(inFeatures, outFeatures) : torch.empty(outFeatures, inFeatures));
        if (hasBias) bias = new Parameter(torch.zeros(outFeatures));
        RegisterComponents();
    }

    public long InFeatures { get; }
    public long OutFeatures { get; }

    /// <summary>True when the weight is stored (in, out), as GPT-2's Conv1D (PEFT's <c>fan_in_fan_out</c>).</summary>
    public bool StoredInByOut { get; }

    public Parameter Weight => weight;
    public Parameter? Bias => bias;

    /// <summary>The adapter attached, if any.</summary>
    public nn.Module<Tensor, Tensor>? Adapter => adapter;

    /// <summary>x (..., in) -> (..., out).</summary>
    public override Tensor forward(Tensor x)
    {
        var y = nn.functional.linear(x, StoredInByOut ? weight.t() : weight, bias);
        return adapter is null ? y : y + adapter.call(x);
    }

    /// <summary>The weight as the map applies it, (out, in), with an attached adapter's change merged in when it can say it.</summary>
    public Tensor EffectiveWeight()
    {
        var stored = StoredInByOut ? weight.t() : weight.alias();
        return adapter is IWeightDelta delta ? stored + delta.WeightDelta().to(weight.dtype) : stored;
    }

    /// <summary>Adds <paramref name="module"/>'s output, computed from the same input, to this map's; registered as the child "adapter".</summary>
    public void Attach(nn.Module<Tensor, Tensor> module)
    {
        if (adapter is not null) throw new InvalidOperationException("This projection already has an adapter.");
        register_module("adapter", module);
        adapter = module;
    }
}
