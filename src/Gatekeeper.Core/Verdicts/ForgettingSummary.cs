using Gatekeeper.Specs;

namespace Gatekeeper.Verdicts;

/// <summary>
/// How much was forgotten, in one glance: the mean drop in accuracy over general tasks, and per
/// category the mean relative drop (drop divided by the base's score).
/// </summary>
public sealed record ForgettingSummary(double AverageGeneralDrop, IReadOnlyDictionary<TaskCategory, double> RelativeDropByCategory);
