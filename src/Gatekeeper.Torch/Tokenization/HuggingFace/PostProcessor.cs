using System.Text.Json.Nodes;

namespace Gatekeeper.Torch.Tokenization.HuggingFace;

/// <summary>
/// The special tokens a <c>tokenizer.json</c> post-processor puts before and after a single
/// sequence: TemplateProcessing's <c>single</c>, Roberta's and Bert's cls/sep, none for ByteLevel.
/// </summary>
public static class PostProcessor
{
    public static readonly IReadOnlyList<string> Supported = ["TemplateProcessing", "ByteLevel", "RobertaProcessing", "BertProcessing", "Sequence"];

    public static (int[] Before, int[] After) FromJson(JsonNode? node)
    {
        if (node is null) return ([], []);
        var json = node.AsObject();
        string type = (string?)json["type"] ?? "";
        switch (type)
        {
            case "ByteLevel":
                return ([], []);
            case "RobertaProcessing" or "BertProcessing":
                return ([Id(json["cls"])], [Id(json["sep"])]);
            case "Sequence":
                var parts = (json["processors"] as JsonArray ?? []).Select(FromJson).ToList();
                return ([.. parts.SelectMany(p => p.Before)], [.. parts.SelectMany(p => p.After)]);
            case "TemplateProcessing":
                var specials = json["special_tokens"] as JsonObject ?? [];
                var before = new List<int>();
                var after = new List<int>();
                bool seen = false;
                foreach (var item in json["single"] as JsonArray ?? [])
                {
                    if (item?["Sequence"] is not null)
                    {
                        seen = true;
                        continue;
                    }
                    var name = (string?)item?["SpecialToken"]?["id"] ?? throw new FormatException("TemplateProcessing has an item that is neither SpecialToken nor Sequence");
                    var ids = specials[name]?["ids"] as JsonArray ?? throw new FormatException($"TemplateProcessing names special token '{name}' without ids");
                    (seen ? after : before).AddRange(ids.Select(i => (int)i!));
                }
                return ([.. before], [.. after]);
            default:
                throw new FormatException($"post-processor '{type}' is not supported; supported: {string.Join(", ", Supported)}");
        }
    }

    private static int Id(JsonNode? pair) => pair is JsonArray { Count: 2 } p ? (int)p[1]! : throw new FormatException("cls and sep must be [token, id]");
}
