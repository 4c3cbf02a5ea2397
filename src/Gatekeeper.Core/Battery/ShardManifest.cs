namespace Gatekeeper.Battery;

/// <summary>
/// What a shard's outcomes were made from, written beside them (<c>shard.json</c>): the model's
/// content hash, the program's version, the battery's identity (every task's definition and data,
/// for that model, device and dtype) and which shard of how many. Shards merge only when all but
/// the shard number agree.
/// </summary>
public sealed record ShardManifest
{
    public const string FileName = "shard.json";
    public const string OutcomesFileName = "outcomes.jsonl";

    public required string ModelSha256 { get; init; }
    public required string CodeVersion { get; init; }
    public required string BatterySha256 { get; init; }
    public required int Shard { get; init; }
    public required int Of { get; init; }
    public required int Items { get; init; }
}
