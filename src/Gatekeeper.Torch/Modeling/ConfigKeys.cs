using System.Text.Json;
using System.Text.Json.Nodes;

namespace Gatekeeper.Torch.Modeling;

/// <summary>Typed reads of <c>config.json</c> keys, with the key named when one is missing or of the wrong type.</summary>
public sealed class ConfigKeys(JsonObject json)
{
    public int RequiredInt(string key) => Int(key) ?? throw new FormatException($"config.json has no \"{key}\".");

    public int? Int(string key) => Read(key, n => n.GetValueKind() == JsonValueKind.Number && n.GetValue<double>() is var d && d == Math.Floor(d)
        ? (int?)checked((int)d) : throw Wrong(key, "a whole number"));

    public double Double(string key, double fallback) => Read(key, n => n.GetValueKind() == JsonValueKind.Number ? (double?)n.GetValue<double>() : throw Wrong(key, "a number")) ?? fallback;

    public bool Bool(string key, bool fallback) => Read(key, n => n.GetValueKind() is JsonValueKind.True or JsonValueKind.False ? (bool?)n.GetValue<bool>() : throw Wrong(key, "true or false")) ?? fallback;

    public string String(string key, string fallback) => Read(key, n => n.GetValueKind() == JsonValueKind.String ? n.GetValue<string>() : throw Wrong(key, "a string")) ?? fallback;

    /// <summary>An object-valued key, or null when it is absent or null.</summary>
    public JsonObject? Object(string key) => Read(key, n => n as JsonObject ?? throw Wrong(key, "an object"));

    private T? Read<T>(string key, Func<JsonNode, T?> read) => json[key] is { } node ? read(node) : default;

    private static FormatException Wrong(string key, string expected) => new($"config.json: \"{key}\" must be {expected}.");
}
