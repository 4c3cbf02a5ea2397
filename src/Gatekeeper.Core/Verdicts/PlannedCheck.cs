namespace Gatekeeper.Verdicts;

/// <summary>One check a task makes under a policy: its name, what it measures and the rule it must meet.</summary>
public sealed record PlannedCheck(string Name, CheckMetric Metric, CheckRule Rule);
