using System.Text.RegularExpressions;
using Gatekeeper.Specs;
using Gatekeeper.Torch.Modeling;

namespace Gatekeeper.Torch.Training.Lora;

/// <summary>Which linear layers LoRA adapts, matched by name as PEFT matches <c>target_modules</c>.</summary>
public static class LoraTargets
{
    private const string OutputHead = "lm_head";

    public static IReadOnlyList<(string Name, Projection Projection)> Select(CausalLanguageModel model, LoraSpec spec)
    {
        var all = model.Projections().Where(p => !p.Name.Contains(".adapter", StringComparison.Ordinal)).ToList();
        var pattern = spec.TargetPattern is { } text ? new Regex($"^(?:{text})$", RegexOptions.CultureInvariant) : null;
        var chosen = all.Where(p => pattern is not null ? pattern.IsMatch(p.Name)
            : spec.TargetModules.Any(t => t == LoraSpec.AllLinear ? p.Name != OutputHead : p.Name == t || p.Name.EndsWith("." + t, StringComparison.Ordinal))).ToList();
        if (chosen.Count == 0)
        {
            var asked = pattern is not null ? $"/{spec.TargetPattern}/" : $"[{string.Join(", ", spec.TargetModules)}]";
            throw new ArgumentException($"lora target_modules {asked} match no linear layer of this {model.Config.ModelType} model; its layers are named like {string.Join(", ", all.Take(4).Select(p => p.Name))}.");
        }
        return chosen;
    }
}
