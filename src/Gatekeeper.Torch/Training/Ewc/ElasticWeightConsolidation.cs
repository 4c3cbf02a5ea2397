using Gatekeeper.Torch.Checkpoints;
using Gatekeeper.Torch.Modeling;
using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace Gatekeeper.Torch.Training.Ewc;

/// <summary>
/// EWC (Kirkpatrick et al. 2017): every weight trains, and the loss gains
/// λ/2 · Σ_i F_i (θ_i − θ*_i)², θ* the weights it started from (the base) and F their Fisher
/// diagonal on general data, obtained when the method is prepared. The anchor and the Fisher are
/// owned here and freed with the method.
/// </summary>
public sealed class ElasticWeightConsolidation : ITrainingMethod
{
    private readonly double _lambda;
    private readonly Func<CausalLanguageModel, FisherDiagonal> _fisher;
    private readonly List<(Parameter Parameter, Tensor Anchor, Tensor Fisher)> _terms = [];
    private FisherDiagonal? _diagonal;

    /// <param name="lambda">The penalty's weight λ.</param>
    /// <param name="fisher">Gives the Fisher diagonal of the model as prepared (the base), from a cache or by estimating it.</param>
    public ElasticWeightConsolidation(double lambda, Func<CausalLanguageModel, FisherDiagonal> fisher)
    {
        _lambda = lambda;
        _fisher = fisher;
    }

    public string Name => "ewc";

    public IReadOnlyList<Parameter> Prepare(CausalLanguageModel model)
    {
        _diagonal = _fisher(model);
        using var noGrad = torch.no_grad();
        foreach (var (name, parameter) in model.named_parameters())
        {
            var fisher = _diagonal.Values.TryGetValue(name, out var f) ? f : throw new InvalidOperationException($"The Fisher has no value for parameter '{name}'.");
            _terms.Add((parameter, parameter.detach().clone().DetachFromDisposeScope(), fisher));
        }
        return [.. model.parameters()];
    }

    /// <summary>λ/2 · Σ F (θ − θ*)², whose gradient is λ · F · (θ − θ*).</summary>
    public Tensor? ExtraLoss(CausalLanguageModel model)
    {
        if (_lambda == 0) return null;
        Tensor? total = null;
        foreach (var (parameter, anchor, fisher) in _terms)
        {
            var term = (fisher * (parameter.to(ScalarType.Float32) - anchor.to(ScalarType.Float32)).pow(2)).sum();
            total = total is null ? term : total + term;
        }
        return total is null ? null : total * (_lambda / 2);
    }

    public CheckpointManifest Save(string directory, CausalLanguageModel model, Checkpoint baseCheckpoint, CheckpointManifest manifest) =>
        Checkpoint.Save(directory, model, baseCheckpoint.Tokenizer, manifest, baseCheckpoint.ConfigSource);

    public void Dispose()
    {
        foreach (var (_, anchor, _) in _terms) anchor.Dispose();
        _diagonal?.Dispose();
    }
}
