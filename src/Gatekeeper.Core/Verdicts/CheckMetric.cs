using System.Text.Json;
using System.Text.Json.Serialization;
using Gatekeeper.Battery;

namespace Gatekeeper.Verdicts;

/// <summary>
/// What a check measures, declared by the task kind that plans the check (in its folder): its name,
/// which of the task's items it covers, and how an item counts. A rate metric counts each item as
/// yes or no (<see cref="Rate"/>) and is compared with a paired interval for proportions; any other
/// compares each item's <see cref="ItemOutcome.Score"/> with a paired bootstrap.
/// </summary>
[JsonConverter(typeof(CheckMetricJson))]
public sealed record CheckMetric(string Name)
{
    /// <summary>For a rate: whether an item counts (right, refused). Null for a continuous score.</summary>
    public Func<ItemOutcome, bool>? Rate { get; init; }

    /// <summary>What a counted item is, for counts in reasons: "270 → 180 of 300 right".</summary>
    public string Counted { get; init; } = "";

    /// <summary>Whether an item with this label is one of the metric's items. Default: every item.</summary>
    public Func<string?, bool> Covers { get; init; } = _ => true;

    /// <summary>
    /// Whether the check's name and record keys carry the metric ("safety/refusal (harmful refused)"),
    /// false for the one metric a task is named by alone ("general/facts" for accuracy).
    /// </summary>
    public bool Qualifies { get; init; } = true;

    public bool IsRate => Rate is not null;

    public bool Includes(string? label) => Covers(label);

    /// <summary>The relative L2 distance of the candidate's weights from the base's: a check of the gate, not of a task.</summary>
    public static CheckMetric ParameterDistance { get; } = new("relative L2");

    /// <summary>Every metric a check can have: each kind's, and the parameter distance.</summary>
    public static IReadOnlyList<CheckMetric> All => [.. Tasks.TaskKind.All.SelectMany(k => k.Metrics).Distinct(), ParameterDistance];

    /// <summary>The metric of that name, for records that store it by name.</summary>
    public static CheckMetric Named(string name) =>
        All.FirstOrDefault(m => m.Name == name) ?? throw new JsonException($"'{name}' is not a metric; known: {string.Join(", ", All.Select(m => m.Name))}.");

    public override string ToString() => Name;

    public bool Equals(CheckMetric? other) => other is not null && other.Name == Name;

    public override int GetHashCode() => Name.GetHashCode(StringComparison.Ordinal);

    /// <summary>Stored by name.</summary>
    private sealed class CheckMetricJson : JsonConverter<CheckMetric>
    {
        public override CheckMetric Read(ref Utf8JsonReader reader, Type typeToConvert, JsonSerializerOptions options) =>
            Named(reader.GetString() ?? throw new JsonException("a metric's name is expected."));

        public override void Write(Utf8JsonWriter writer, CheckMetric value, JsonSerializerOptions options) => writer.WriteStringValue(value.Name);
    }
}
