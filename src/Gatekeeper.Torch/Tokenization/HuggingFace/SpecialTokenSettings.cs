using System.Text.Json;
using System.Text.Json.Nodes;

namespace Gatekeeper.Torch.Tokenization.HuggingFace;

/// <summary>
/// The special tokens a checkpoint names outside <c>tokenizer.json</c>: <c>bos_token</c>,
/// <c>eos_token</c>, <c>pad_token</c> and <c>chat_template</c> in <c>tokenizer_config.json</c>, and
/// <c>eos_token_id</c> (one or a list) in <c>generation_config.json</c>.
/// </summary>
public sealed record SpecialTokenSettings
{
    public string? BosToken { get; init; }
    public string? EosToken { get; init; }
    public string? PadToken { get; init; }

    /// <summary>Every token id generation stops at.</summary>
    public IReadOnlyList<int> EosTokenIds { get; init; } = [];

    /// <summary>The default chat template, if the checkpoint ships one.</summary>
    public string? ChatTemplate { get; init; }

    public static SpecialTokenSettings FromJson(JsonObject? tokenizerConfig, JsonObject? generationConfig)
    {
        var eosIds = generationConfig?["eos_token_id"] switch
        {
            JsonArray list => list.Select(i => (int)i!).ToList(),
            JsonValue one when one.GetValueKind() == JsonValueKind.Number => [(int)one],
            _ => new List<int>(),
        };
        return new SpecialTokenSettings
        {
            BosToken = Token(tokenizerConfig?["bos_token"]),
            EosToken = Token(tokenizerConfig?["eos_token"]),
            PadToken = Token(tokenizerConfig?["pad_token"]),
            EosTokenIds = eosIds,
            ChatTemplate = Template(tokenizerConfig?["chat_template"]),
        };
    }

    // A token is a string, or an AddedToken object {"content": ...}.
    private static string? Token(JsonNode? node) => node switch
    {
        JsonValue v when v.GetValueKind() == JsonValueKind.String => v.GetValue<string>(),
        JsonObject o => (string?)o["content"],
        _ => null,
    };

    // One template, or a list of named ones of which "default" is the chat template.
    private static string? Template(JsonNode? node) => node switch
    {
        JsonValue v when v.GetValueKind() == JsonValueKind.String => v.GetValue<string>(),
        JsonArray list => list.OfType<JsonObject>().FirstOrDefault(t => (string?)t["name"] == "default")?["template"]?.GetValue<string>(),
        _ => null,
    };
}
