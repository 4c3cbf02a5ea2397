namespace Gatekeeper.Battery;

/// <summary>One model's outcomes on the whole battery, identified by the model's content hash.</summary>
public sealed record BatteryResult(string ModelSha256, IReadOnlyList<ItemOutcome> Outcomes)
{
    public IReadOnlyList<ItemOutcome> ForTask(string task) => Outcomes.Where(o => o.Task == task).ToList();
}
