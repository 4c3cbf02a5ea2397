using System.Text.Json.Serialization;

namespace Gatekeeper.Torch.Checkpoints;

/// <summary>
/// Gatekeeper's record of where a checkpoint came from, written beside the weights as
/// <c>gatekeeper.json</c>. Hashes are SHA-256 of the files' bytes, in lower-case hex.
/// </summary>
public sealed record CheckpointManifest
{
    public const string FileName = "gatekeeper.json";

    [JsonPropertyName("format")] public int Format { get; init; } = 1;

    /// <summary>Identity of the whole checkpoint: a hash over config, weights and tokenizer hashes.</summary>
    [JsonPropertyName("content_sha256")] public string ContentSha256 { get; init; } = "";

    [JsonPropertyName("weights_sha256")] public string WeightsSha256 { get; init; } = "";
    [JsonPropertyName("tokenizer_sha256")] public string TokenizerSha256 { get; init; } = "";
    [JsonPropertyName("config_sha256")] public string ConfigSha256 { get; init; } = "";

    /// <summary>Content hash of the checkpoint this one was trained from; null for one trained from scratch.</summary>
    [JsonPropertyName("parent_sha256")] public string? ParentSha256 { get; init; }

    /// <summary>How it was made: pretrain, full, lora, ewc, replay, or imported.</summary>
    [JsonPropertyName("method")] public string Method { get; init; } = "";

    [JsonPropertyName("seed")] public int Seed { get; init; }

    /// <summary>Hashes of the data it was trained on, by name.</summary>
    [JsonPropertyName("data_sha256")] public IReadOnlyDictionary<string, string> DataSha256 { get; init; } = new Dictionary<string, string>();

    [JsonPropertyName("code_version")] public string CodeVersion { get; init; } = "";

    /// <summary>Training settings, as given.</summary>
    [JsonPropertyName("training")] public IReadOnlyDictionary<string, string> Training { get; init; } = new Dictionary<string, string>();

    /// <summary>Accuracy on held-out evaluation splits, by capability and split (e.g. "facts/held_out").</summary>
    [JsonPropertyName("held_out_scores")] public IReadOnlyDictionary<string, double> HeldOutScores { get; init; } = new Dictionary<string, double>();
}
