using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace Gatekeeper.Torch.Tokenization;

/// <summary>
/// UTF-8 bytes as tokens 0-255, plus four special tokens that frame a chat turn:
/// <c>&lt;|user|&gt; prompt &lt;|assistant|&gt; answer &lt;|end|&gt;</c>, and padding.
/// </summary>
public sealed class ByteTokenizer : ITokenizer
{
    public const string Kind = "gatekeeper-byte";
    public const int User = 256;
    public const int Assistant = 257;
    public const int End = 258;
    public const int Pad = 259;

    private static readonly (string Name, int Id)[] Specials = [("<|user|>", User), ("<|assistant|>", Assistant), ("<|end|>", End), ("<|pad|>", Pad)];

    public int VocabSize => 260;
    public int EndOfTurn => End;
    public int Padding => Pad;

    public bool Stops(int id) => id == End;

    public IReadOnlyDictionary<string, byte[]> Files => new Dictionary<string, byte[]> { [TokenizerFiles.TokenizerJson] = Encoding.UTF8.GetBytes(ToJson()) };

    public int[] Encode(string text)
    {
        var bytes = Encoding.UTF8.GetBytes(text);
        var ids = new int[bytes.Length];
        for (int i = 0; i < bytes.Length; i++) ids[i] = bytes[i];
        return ids;
    }

    public string Decode(IEnumerable<int> ids)
    {
        var bytes = ids.Where(id => id is >= 0 and < 256).Select(id => (byte)id).ToArray();
        return Encoding.UTF8.GetString(bytes);
    }

    public int[] EncodePrompt(string prompt) => [User, .. Encode(prompt), Assistant];

    public int[] EncodeAnswer(string answer) => [.. Encode(answer), End];

    public string ToJson()
    {
        var specials = new JsonObject();
        foreach (var (name, id) in Specials) specials[name] = id;
        var json = new JsonObject { ["type"] = Kind, ["vocab_size"] = VocabSize, ["special_tokens"] = specials };
        return json.ToJsonString(new JsonSerializerOptions { WriteIndented = true });
    }

    /// <summary>True when a tokenizer file describes this tokenizer.</summary>
    public static bool Describes(JsonNode json) => (string?)json["type"] == Kind;
}
