using Gatekeeper.Statistics;
using Gatekeeper.Verdicts;

namespace Gatekeeper.Core.Tests.Verdicts;

public class PowerTests
{
    // The default battery scores 300 arithmetic items. A candidate that truly loses 0.12 of
    // accuracy (base 80% right; it forgets 15% of what the base got right) must fail the 0.05
    // non-inferiority margin in at least 80% of simulated batteries.
    private const int BatteryArithmeticItems = 300;
    private const double TrueDrop = 0.12;

    [Fact]
    public void Degradation_Of012_AtN300_IsDetectedWithAtLeast80PercentPower()
    {
        var random = new Random(21);
        int detected = 0;
        const int simulations = 500;
        for (int s = 0; s < simulations; s++)
        {
            var (b, c) = Simulate(random, BatteryArithmeticItems, baseRate: 0.8, forget: TrueDrop / 0.8, learn: 0);
            if (CheckRule.NonInferiority(0.05).Judge(PairedProportions.Compare(b, c, 0.95).Interval) == CheckOutcome.Fail) detected++;
        }
        Assert.True(detected >= 0.8 * simulations, $"power {100.0 * detected / simulations:0.#}%");
    }

    [Fact]
    public void NoChange_AtN300_NeverFails()
    {
        var random = new Random(22);
        for (int s = 0; s < 500; s++)
        {
            // Candidates that flip a few answers each way with no net change.
            var (b, c) = Simulate(random, BatteryArithmeticItems, baseRate: 0.8, forget: 0.02, learn: 0.08);
            Assert.NotEqual(CheckOutcome.Fail, CheckRule.NonInferiority(0.05).Judge(PairedProportions.Compare(b, c, 0.95).Interval));
        }
    }

    private static (bool[] Base, bool[] Candidate) Simulate(Random random, int n, double baseRate, double forget, double learn)
    {
        var b = new bool[n];
        var c = new bool[n];
        for (int i = 0; i < n; i++)
        {
            b[i] = random.NextDouble() < baseRate;
            c[i] = b[i] ? random.NextDouble() >= forget : random.NextDouble() < learn;
        }
        return (b, c);
    }
}

public class PowerUnderHolmTests
{
    // The default gates' battery makes 9 checks; here 8 general tasks of 300 items that do not
    // change and one (300 items) that truly loses 0.12 of accuracy. Holm's correction across all
    // 9 checks must still fail that one in at least 80% of simulated batteries.
    [Fact]
    public void Degradation_Of012_AtN300_AmongNineChecks_IsDetectedWithAtLeast80PercentPower()
    {
        var tasks = Enumerable.Range(0, 9).Select(i => new Gatekeeper.Specs.TaskSpec
        {
            Name = $"t{i}", Category = Gatekeeper.Specs.TaskCategory.General, Kind = Gatekeeper.Tasks.TaskKind.Generate, Data = "d",
        }).ToList();
        var spec = new Gatekeeper.Specs.GateSpec
        {
            Name = "g", SourceFile = "g.yaml", Base = "b", Candidate = "c", Battery = tasks,
            Policy = new Gatekeeper.Specs.GatePolicy().With(Gatekeeper.Tasks.AnswerChecks.GeneralMaxDrop, 0.05),
        };
        var random = new Random(31);
        int detected = 0;
        const int simulations = 200;
        for (int s = 0; s < simulations; s++)
        {
            var baseOutcomes = new List<Gatekeeper.Battery.ItemOutcome>();
            var candidateOutcomes = new List<Gatekeeper.Battery.ItemOutcome>();
            foreach (var task in tasks)
            {
                for (int i = 0; i < 300; i++)
                {
                    bool b = random.NextDouble() < 0.8;
                    bool c = task.Name == "t0" ? b && random.NextDouble() >= 0.15 : b;
                    baseOutcomes.Add(new() { Task = task.Name, ItemId = $"{i}", Prompt = "", Expected = "", Output = "", Correct = b });
                    candidateOutcomes.Add(new() { Task = task.Name, ItemId = $"{i}", Prompt = "", Expected = "", Output = "", Correct = c });
                }
            }
            var verdict = GateDecider.Decide(spec, new("a", baseOutcomes), new("b", candidateOutcomes));
            if (verdict.Checks.Single(c => c.Task == "t0").Outcome == CheckOutcome.Fail) detected++;
            Assert.All(verdict.Checks.Where(c => c.Task != "t0"), c => Assert.NotEqual(CheckOutcome.Fail, c.Outcome));
        }
        Assert.True(detected >= 0.8 * simulations, $"power {100.0 * detected / simulations:0.#}%");
    }
}

public class PairedPowerTests
{
    /// <summary>
    /// The advertised detectable drop is what the gate's own rule detects: forgetting exactly that
    /// much (items lost, none gained) fails the margin in about 80% of simulated batteries.
    /// </summary>
    [Theory]
    [InlineData(300, 0.05)]
    [InlineData(125, 0.10)]
    [InlineData(1000, 0.02)]
    public void ForgettingTheDetectableDrop_FailsTheMarginWithAbout80PercentPower(int n, double margin)
    {
        double drop = PairedPower.DetectableDrop(n, margin, 0.95);
        Assert.InRange(drop, margin, 1);
        var random = new Random(n);
        int failed = 0;
        const int simulations = 2000;
        for (int s = 0; s < simulations; s++)
        {
            int lost = Enumerable.Range(0, n).Count(_ => random.NextDouble() < drop);
            if (CheckRule.NonInferiority(margin).Judge(TangoInterval.For(lost, 0, n, 0.95)) == CheckOutcome.Fail) failed++;
        }
        double power = (double)failed / simulations;
        Assert.InRange(power, 0.77, 0.85);   // 80% exactly, give or take 2,000 simulations' noise
    }

    [Fact]
    public void MoreItems_DetectSmallerDrops_AndTooFewDetectNone()
    {
        Assert.True(PairedPower.DetectableDrop(1000, 0.05, 0.95) < PairedPower.DetectableDrop(300, 0.05, 0.95));
        Assert.Equal(1, PairedPower.DetectableDrop(2, 0.5, 0.95));
    }
}
