using Gatekeeper.Torch.Modeling;
using Gatekeeper.Torch.Tokenization;
using TorchSharp;
using static TorchSharp.torch;

namespace Gatekeeper.Torch.Evaluation;

/// <summary>
/// Drift that accuracy hides. Per text, the KL divergence of the candidate's next-token distribution
/// from the base's, KL(base || candidate) = sum_v p_base(v) (log p_base(v) - log p_candidate(v)),
/// averaged over positions, in nats. And how far the weights moved.
/// </summary>
public static class DriftMeter
{
    public static double[] KlPerText(CausalLanguageModel baseModel, CausalLanguageModel candidate, ITokenizer tokenizer, IReadOnlyList<string> texts)
    {
        if (baseModel.Config != candidate.Config)
            throw new InvalidDataException("Drift needs base and candidate of the same architecture; their config.json files differ.");
        baseModel.eval();
        candidate.eval();
        var result = new double[texts.Count];
        var device = baseModel.Device;
        using var inference = torch.inference_mode();
        for (int i = 0; i < texts.Count; i++)
        {
            using var scope = torch.NewDisposeScope();
            var ids = tokenizer.Encode(texts[i]);
            if (ids.Length > baseModel.Config.ContextLength) ids = ids[..baseModel.Config.ContextLength];
            if (ids.Length == 0) continue;
            var input = torch.tensor(ids.Select(id => (long)id).ToArray(), [1, ids.Length], device: device);   // (1, T)
            var logBase = nn.functional.log_softmax(baseModel.call(input).to(ScalarType.Float32), dim: 2);                       // (1, T, vocab)
            var logCandidate = nn.functional.log_softmax(candidate.call(input).to(ScalarType.Float32), dim: 2);                  // (1, T, vocab)
            var perPosition = (logBase.exp() * (logBase - logCandidate)).sum(dim: 2);                      // (1, T)
            result[i] = perPosition.mean().item<float>();
        }
        return result;
    }

    /// <summary>||candidate - base|| / ||base|| over all parameters.</summary>
    public static double RelativeParameterDistance(CausalLanguageModel baseModel, CausalLanguageModel candidate)
    {
        using var noGrad = torch.no_grad();
        // Effective weights: an adapter's update counts as the change it makes to its layer.
        var baseParameters = baseModel.EffectiveParameters().ToDictionary(p => p.Name, p => p.Value);
        double difference = 0, norm = 0;
        foreach (var (name, parameter) in candidate.EffectiveParameters())
        {
            using var scope = torch.NewDisposeScope();
            var reference = baseParameters[name];
            // Summed in float64: a large model's squares lose their small terms in float32.
            difference += (parameter.to(ScalarType.Float64) - reference.to(ScalarType.Float64)).pow(2).sum().item<double>();
            norm += reference.to(ScalarType.Float64).pow(2).sum().item<double>();
        }
        return norm == 0 ? 0 : Math.Sqrt(difference / norm);
    }
}
