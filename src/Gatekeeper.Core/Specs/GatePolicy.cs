namespace Gatekeeper.Specs;

/// <summary>
/// The thresholds a candidate must meet. A check passes when its whole confidence interval is on the
/// good side of its margin, fails when the whole interval is on the bad side, and is inconclusive
/// otherwise. The policy holds the confidence of every interval, what inconclusive means, and the
/// margins the checks read. Each margin is a <see cref="PolicyKey"/> its task kind declares; this record
/// holds only the values the spec set, and <see cref="Margin"/> falls back to the key's default.
/// </summary>
public sealed record GatePolicy
{
    /// <summary>Confidence level of every interval. Default 0.95.</summary>
    public double Confidence { get; init; } = 0.95;

    /// <summary>What an inconclusive check means. Default fail.</summary>
    public InconclusiveMeans Inconclusive { get; init; } = InconclusiveMeans.Fail;

    /// <summary>Below this many items a check's report warns and states the minimum detectable effect. Default 30.</summary>
    public int MinItems { get; init; } = 30;

    /// <summary>
    /// Largest relative distance the weights may move, ||candidate - base|| / ||base||
    /// (<c>drift.max_parameter_distance</c>); null: not checked. Default null.
    /// </summary>
    public double? MaxParameterDistance { get; init; }

    /// <summary>Margins set for every task of a section, by the key's <see cref="PolicyKey.Path"/>.</summary>
    public IReadOnlyDictionary<string, double> Margins { get; init; } = new Dictionary<string, double>();

    /// <summary>Margins set for one task: by task name, then by the key's <see cref="PolicyKey.Name"/>.</summary>
    public IReadOnlyDictionary<string, IReadOnlyDictionary<string, double>> Tasks { get; init; } =
        new Dictionary<string, IReadOnlyDictionary<string, double>>();

    /// <summary>Every margin key the task kinds declare, in the order the kinds are listed.</summary>
    public static IReadOnlyList<PolicyKey> Keys => [.. global::Gatekeeper.Tasks.TaskKind.All.SelectMany(k => k.Policy).Distinct()];

    /// <summary>The margin <paramref name="key"/> gives <paramref name="task"/>: its own, else its section's, else the key's default.</summary>
    public double Margin(string task, PolicyKey key) =>
        Value(task, key) ?? throw new InvalidOperationException($"Policy key {key.Path} has no default; read it with Value.");

    /// <summary>The value <paramref name="key"/> gives <paramref name="task"/>, or null for a key without a default that is not set (no floor).</summary>
    public double? Value(string task, PolicyKey key) =>
        Tasks.TryGetValue(task, out var own) && own.TryGetValue(key.Name, out var value) ? value
        : Margins.TryGetValue(key.Path, out var section) ? section
        : key.Default;

    /// <summary>This policy with <paramref name="key"/> set for every task of its section.</summary>
    public GatePolicy With(PolicyKey key, double value) =>
        this with { Margins = new Dictionary<string, double>(Margins) { [key.Path] = value } };

    /// <summary>This policy with <paramref name="key"/> set for <paramref name="task"/> alone.</summary>
    public GatePolicy With(string task, PolicyKey key, double value)
    {
        var own = Tasks.TryGetValue(task, out var existing) ? new Dictionary<string, double>(existing) : [];
        own[key.Name] = value;
        return this with { Tasks = new Dictionary<string, IReadOnlyDictionary<string, double>>(Tasks) { [task] = own } };
    }
}
