using Gatekeeper.Specs;
using Gatekeeper.Sweeps;

namespace Gatekeeper.Core.Tests.Sweeps;

public sealed class SweepVariantsTests
{
    private static GateSpec Spec(ReplaySpec? replay) => new()
    {
        Name = "g", SourceFile = "g.yaml", Base = "base", Battery = [],
        Train = new TrainSpec { Data = "train.jsonl", Steps = 50, Seed = 7, LearningRate = 1e-3, Replay = replay, Method = "lora", Lora = new LoraSpec { Rank = 4 } },
    };

    [Fact]
    public void For_EachMethodAndRate_KeepsTheDataStepsAndSeed_AndChangesOnlyTheMethod()
    {
        var variants = SweepVariants.For(Spec(new ReplaySpec { Data = "general.jsonl", Fraction = 0.5 }), SweepVariants.Methods, [1e-3, 3e-4]);

        Assert.Equal(8, variants.Count);
        Assert.All(variants, v => Assert.Equal(("train.jsonl", 50, 7), (v.Spec.Train!.Data, v.Spec.Train.Steps, v.Spec.Train.Seed)));
        Assert.Equal(variants.Count, variants.Select(v => v.Spec.Name).Distinct().Count());
        var full = variants.First(v => v.Method == "full").Spec.Train!;
        Assert.Equal(("full", (ReplaySpec?)null, (LoraSpec?)null), (full.Method, full.Replay, full.Lora));
        Assert.Equal(4, variants.First(v => v.Method == "lora").Spec.Train!.Lora!.Rank);   // the spec's own LoRA settings
        Assert.Equal("general.jsonl", variants.First(v => v.Method == "ewc").Spec.Train!.Ewc!.FisherData);
        Assert.Null(variants.First(v => v.Method == "ewc").Spec.Train!.Replay);
        Assert.Equal(0.5, variants.First(v => v.Method == "replay").Spec.Train!.Replay!.Fraction);
        Assert.Equal([1e-3, 1e-3, 1e-3, 1e-3, 3e-4, 3e-4, 3e-4, 3e-4], variants.Select(v => v.Spec.Train!.LearningRate));
    }

    [Fact]
    public void For_WithoutRates_TriesTheSharedRateWithEveryMethodFirst_ThenEachMethodsGrid()
    {
        var variants = SweepVariants.For(Spec(new ReplaySpec { Data = "general.jsonl", Fraction = 0.5 }), SweepVariants.Methods);

        Assert.Equal(8, variants.Count);
        Assert.All(variants.Take(4), v => Assert.Equal(1e-3, v.LearningRate));
        Assert.Equal(["full", "lora", "ewc", "replay"], variants.Take(4).Select(v => v.Method));
        double[] Rates(string method) => [.. variants.Where(v => v.Method == method).Select(v => v.Spec.Train!.LearningRate)];
        Assert.Equal([1e-3, 1e-3 / 3], Rates("full"));     // full-weight methods forget less at lower rates
        Assert.Equal([1e-3, 3e-3], Rates("lora"));         // adapters take higher rates
        Assert.Equal(Rates("full"), Rates("ewc"));
        Assert.Equal(variants.Count, variants.Select(v => v.Spec.Name).Distinct().Count());
    }

    [Fact]
    public void For_AMethodNamedTwice_RunsOnce_AndNoMethodAtAllIsBadInput()
    {
        Assert.Single(SweepVariants.For(Spec(null), ["full", "full"], [1e-3]));
        Assert.Throws<BadInputException>(() => SweepVariants.For(Spec(null), [], [1e-3]));
    }

    [Fact]
    public void For_ReplayOrEwcWithoutGeneralData_IsBadInputNamingTheFix()
    {
        var error = Assert.Throws<BadInputException>(() => SweepVariants.For(Spec(null), ["full", "ewc"], [1e-3]));
        Assert.Contains("needs general data: give train.replay", error.Message);
        Assert.Throws<BadInputException>(() => SweepVariants.For(Spec(null), ["dora"], [1e-3]));
    }
}
