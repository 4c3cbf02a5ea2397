using System.Text.Json.Nodes;

namespace Gatekeeper.Torch.Tests.Reference;

/// <summary>
/// A tiny random-weight checkpoint written by <c>reference_models.py</c> with the logits and greedy
/// continuation a plain-PyTorch forward computed for it.
/// </summary>
internal sealed record ReferenceModel(string Name, string Folder, long[] LogitTokens, float[,] Logits, long[] Prompt, long[] Greedy)
{
    public static readonly string[] Names = ["gpt2", "llama3-gqa-sharded", "llama-linear-bf16", "qwen2"];

    public static ReferenceModel Load(string name)
    {
        var folder = Path.Combine(AppContext.BaseDirectory, "Reference", "Models", name);
        var golden = JsonNode.Parse(File.ReadAllText(Path.Combine(folder, "golden.json")))!;
        var rows = golden["logits"]!.AsArray();
        int vocab = rows[0]!.AsArray().Count;
        var logits = new float[rows.Count, vocab];
        for (int t = 0; t < rows.Count; t++)
            for (int v = 0; v < vocab; v++) logits[t, v] = rows[t]![v]!.GetValue<float>();
        return new ReferenceModel(name, folder, Ids(golden["logit_tokens"]!), logits, Ids(golden["prompt"]!), Ids(golden["greedy"]!));
    }

    private static long[] Ids(JsonNode node) => [.. node.AsArray().Select(n => n!.GetValue<long>())];

    /// <summary>A copy of the checkpoint in a fresh folder, for tests that damage or rewrite it.</summary>
    public string CopyTo(string folder)
    {
        Directory.CreateDirectory(folder);
        foreach (var file in Directory.GetFiles(Folder)) File.Copy(file, Path.Combine(folder, Path.GetFileName(file)));
        return folder;
    }
}
