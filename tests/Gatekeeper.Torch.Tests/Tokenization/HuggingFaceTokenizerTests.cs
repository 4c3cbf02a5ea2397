using System.Text.Json.Nodes;
using Gatekeeper.Torch.Tokenization;
using Gatekeeper.Torch.Tokenization.HuggingFace;

namespace Gatekeeper.Torch.Tests.Tokenization;

/// <summary>
/// Each real tokenizer format against Hugging Face's own implementation (the npm package
/// `tokenizers`, run by Reference/reference_tokenizers.mjs): ids with and without special tokens,
/// and decoding, on strings chosen to be awkward.
/// </summary>
public sealed class HuggingFaceTokenizerTests
{
    public static TheoryData<string> Formats => ["gpt2", "gpt2-vocab-merges", "llama3", "qwen2", "smollm", "llama2", "llama2-metaspace"];

    private static string Folder(string format) => Path.Combine(AppContext.BaseDirectory, "Reference", "Tokenizers", format);

    private static IEnumerable<JsonNode> Cases(string format) =>
        JsonNode.Parse(File.ReadAllText(Path.Combine(Folder(format), "golden.json")))!["cases"]!.AsArray()!.Select(c => c!);

    [Theory]
    [MemberData(nameof(Formats))]
    public void Encode_MatchesHuggingFace_WithAndWithoutSpecialTokens(string format)
    {
        var tokenizer = Assert.IsType<HuggingFaceTokenizer>(TokenizerFiles.Load(Folder(format)));
        foreach (var c in Cases(format))
        {
            string text = (string)c["text"]!;
            Assert.True(Ids(c["ids"]).SequenceEqual(tokenizer.Encode(text)),
                $"{format} {Show(text)}: expected [{string.Join(", ", Ids(c["ids"]))}], got [{string.Join(", ", tokenizer.Encode(text))}]");
            Assert.True(Ids(c["ids_with_special"]).SequenceEqual(tokenizer.EncodeWithSpecialTokens(text)),
                $"{format} {Show(text)} with special tokens: expected [{string.Join(", ", Ids(c["ids_with_special"]))}], got [{string.Join(", ", tokenizer.EncodeWithSpecialTokens(text))}]");
        }
    }

    [Theory]
    [MemberData(nameof(Formats))]
    public void Decode_MatchesHuggingFace(string format)
    {
        var tokenizer = TokenizerFiles.Load(Folder(format));
        foreach (var c in Cases(format))
            Assert.Equal((string)c["decoded"]!, tokenizer.Decode(Ids(c["ids"])));
    }

    [Theory]
    [InlineData("gpt2", "<|endoftext|>", "<|endoftext|>")]
    [InlineData("llama3", "<|eot_id|>", "<|end_of_text|>")]
    [InlineData("qwen2", "<|im_end|>", "<|im_end|>")]
    [InlineData("llama2", "</s>", "</s>")]
    public void SpecialTokens_ComeFromTheConfigFiles(string format, string endOfTurn, string alsoStops)
    {
        var tokenizer = Assert.IsType<HuggingFaceTokenizer>(TokenizerFiles.Load(Folder(format)));
        Assert.Equal(tokenizer.TokenId(endOfTurn), tokenizer.EndOfTurn);
        Assert.True(tokenizer.Stops(tokenizer.TokenId(alsoStops)!.Value));
        Assert.Equal([.. tokenizer.Encode("4"), tokenizer.EndOfTurn], tokenizer.EncodeAnswer("4"));
    }

    [Fact]
    public void Load_AnUnsupportedPipeline_NamesThePartAndWhatIsSupported()
    {
        var folder = Path.Combine(Path.GetTempPath(), "gk-tok-" + Guid.NewGuid().ToString("N"));
        Directory.CreateDirectory(folder);
        try
        {
            var json = JsonNode.Parse(File.ReadAllText(Path.Combine(Folder("qwen2"), "tokenizer.json")))!;
            json["pre_tokenizer"] = new JsonObject { ["type"] = "BertPreTokenizer" };
            File.WriteAllText(Path.Combine(folder, "tokenizer.json"), json.ToJsonString());
            File.Copy(Path.Combine(Folder("qwen2"), "tokenizer_config.json"), Path.Combine(folder, "tokenizer_config.json"));
            var error = Assert.Throws<InvalidDataException>(() => TokenizerFiles.Load(folder));
            Assert.Contains("tokenizer.json: pre-tokenizer 'BertPreTokenizer' is not supported; supported: ByteLevel, Split, Metaspace, Digits, Sequence", error.Message);
        }
        finally
        {
            Directory.Delete(folder, recursive: true);
        }
    }

    private static int[] Ids(JsonNode? node) => [.. node!.AsArray().Select(i => (int)i!)];

    private static string Show(string text) => System.Text.Json.JsonSerializer.Serialize(text);
}
