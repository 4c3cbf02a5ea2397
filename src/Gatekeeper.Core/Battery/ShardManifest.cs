namespace Gatekeeper.Battery;

/// <summary>
/// What a model's evaluation was made from, written beside its outcomes (<c>shard.json</c>): the
/// model's content hash and method, the device and dtype, the program's version, the battery's
/// identity (every task's definition and data, on that device and dtype, whatever the model) and
/// which shard of how many. Shards merge only when all but the shard number agree; a merged or
/// unsharded evaluation is shard 1 of 1, and base and candidate are compared only when their
/// batteries agree.
/// </summary>
public sealed record ShardManifest
{
    public const string FileName = "shard.json";
    public const string OutcomesFileName = "outcomes.jsonl";

    public required string ModelSha256 { get; init; }

    /// <summary>How the model was made (its checkpoint manifest's method), for the report.</summary>
    public required string ModelMethod { get; init; }

    /// <summary>Device and dtype it ran on: <c>cpu float32</c>.</summary>
    public required string Compute { get; init; }
    public required string CodeVersion { get; init; }
    public required string BatterySha256 { get; init; }
    public required int Shard { get; init; }
    public required int Of { get; init; }
    public required int Items { get; init; }

    /// <summary>When the evaluation started and ended (merged shards: the first start and the last end); null in manifests that did not record it.</summary>
    public DateTimeOffset? Started { get; init; }

    public DateTimeOffset? Ended { get; init; }

    public bool IsWhole => Of == 1;
}
