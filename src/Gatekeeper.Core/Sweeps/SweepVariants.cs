using System.Globalization;
using Gatekeeper.Specs;

namespace Gatekeeper.Sweeps;

/// <summary>
/// The gates a sweep runs: the spec's own training, data, steps and seed with each method in turn,
/// at each learning rate asked for, or by default at the spec's rate (shared by all methods) and at
/// each method's <see cref="Grid"/>; the battery and policy unchanged. <c>replay</c> is full
/// fine-tuning with the spec's replay; <c>ewc</c> takes its Fisher from the replay data unless the
/// spec gives EWC settings of its own.
/// </summary>
public static class SweepVariants
{
    public static readonly IReadOnlyList<string> Methods = ["full", "lora", "ewc", "replay"];

    /// <summary>
    /// The small grid a method's best rate is chosen from: the shared rate and one step of three in
    /// the direction the method's rate is usually tuned. Full-weight methods (full, ewc, replay) try a
    /// third of it, since their forgetting grows with the rate; LoRA tries three times it, since an
    /// adapter that starts at zero and trains a small fraction of the weights learns less per step
    /// and is conventionally trained at higher rates. Two points per method keep the default sweep of
    /// four methods to eight gates. The shared rate comes first, so the shared comparison is complete first.
    /// </summary>
    public static IReadOnlyList<double> Grid(string method, double shared) =>
        method == "lora" ? [shared, shared * 3] : [shared, shared / 3];

    /// <param name="spec">The gate whose training, battery and policy every variant keeps.</param>
    /// <param name="methods">Any of <see cref="Methods"/>.</param>
    /// <param name="learningRates">Rates every method is tried at; null for the shared rate and each method's grid.</param>
    public static IReadOnlyList<(string Method, double LearningRate, GateSpec Spec)> For(GateSpec spec, IReadOnlyList<string> methods, IReadOnlyList<double>? learningRates = null)
    {
        if (spec.Train is not { } train)
            throw new BadInputException(spec.SourceFile, null, "a sweep trains candidates: the spec needs a train: section for the built-in trainer (not a command or a candidate).");
        methods = [.. methods.Distinct()];
        if (methods.Count == 0) throw new BadInputException("--methods", null, $"no method to sweep; give any of {string.Join(", ", Methods)}.");
        var unknown = methods.Where(m => !Methods.Contains(m)).ToList();
        if (unknown.Count > 0)
            throw new BadInputException("--methods", null, $"'{string.Join(", ", unknown)}' is not a sweep method; use any of {string.Join(", ", Methods)}.");
        var generalData = train.Replay?.Data ?? train.Ewc?.FisherData;
        if (generalData is null && methods.Any(m => m is "replay" or "ewc"))
            throw new BadInputException(spec.SourceFile, null, "sweeping replay or ewc needs general data: give train.replay (data and fraction) in the spec.");
        var variants = new List<(string, double, GateSpec)>();
        var ratesByMethod = methods.ToDictionary(m => m, m => learningRates ?? Grid(m, train.LearningRate));
        int points = ratesByMethod.Values.Max(r => r.Count);
        for (int point = 0; point < points; point++)
        {
            foreach (var method in methods.Where(m => point < ratesByMethod[m].Count))
            {
                double rate = ratesByMethod[method][point];
                var trained = method switch
                {
                    "full" => train with { Method = "full", Lora = null, Ewc = null, Replay = null },
                    "lora" => train with { Method = "lora", Lora = train.Lora ?? new LoraSpec(), Ewc = null, Replay = null },
                    "ewc" => train with { Method = "ewc", Lora = null, Ewc = train.Ewc ?? new EwcSpec { FisherData = generalData! }, Replay = null },
                    _ => train with { Method = "full", Lora = null, Ewc = null, Replay = train.Replay ?? new ReplaySpec { Data = generalData! } },
                };
                var name = $"{spec.Name}.sweep.{method}.lr{rate.ToString("0.#####E+0", CultureInfo.InvariantCulture)}";
                variants.Add((method, rate, spec with { Name = name, Train = trained with { LearningRate = rate } }));
            }
        }
        return variants;
    }
}
