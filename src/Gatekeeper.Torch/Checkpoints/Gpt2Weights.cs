using System.Runtime.InteropServices;
using Gatekeeper.Torch.Modeling;
using TorchSharp;
using static TorchSharp.torch;

namespace Gatekeeper.Torch.Checkpoints;

/// <summary>
/// Maps a <see cref="Gpt"/>'s parameters to Hugging Face GPT-2 keys and back. GPT-2 stores its
/// projections as Conv1D, (in, out), where a Linear holds (out, in): those are transposed.
/// </summary>
public static class Gpt2Weights
{
    private const string Prefix = "transformer.";
    private static readonly string[] Conv1DSuffixes = ["attn.c_attn.weight", "attn.c_proj.weight", "mlp.c_fc.weight", "mlp.c_proj.weight"];

    // Keys some GPT-2 checkpoints carry that are buffers or the tied head, not parameters.
    private static bool IsIgnorable(string key) =>
        key.EndsWith(".attn.bias", StringComparison.Ordinal) || key.EndsWith(".attn.masked_bias", StringComparison.Ordinal) || key == "lm_head.weight";

    private static bool IsConv1D(string name) => Conv1DSuffixes.Any(s => name.EndsWith(s, StringComparison.Ordinal));

    public static IReadOnlyList<SafetensorsEntry> ToEntries(Gpt model)
    {
        var entries = new List<SafetensorsEntry>();
        using var _ = torch.no_grad();
        foreach (var (name, parameter) in model.named_parameters())
        {
            using var stored = (IsConv1D(name) ? parameter.t() : parameter.alias()).contiguous().cpu().to(ScalarType.Float32);
            var values = stored.data<float>().ToArray();
            entries.Add(new SafetensorsEntry(Prefix + name, "F32", stored.shape, MemoryMarshal.AsBytes(values.AsSpan()).ToArray()));
        }
        return entries;
    }

    /// <summary>Copies entries into the model; every parameter must be present with its exact shape.</summary>
    public static void Load(Gpt model, IReadOnlyList<SafetensorsEntry> entries, string source)
    {
        var byName = entries.ToDictionary(e => e.Name.StartsWith(Prefix, StringComparison.Ordinal) ? e.Name[Prefix.Length..] : e.Name);
        var parameters = model.named_parameters().ToDictionary(p => p.name, p => p.parameter);
        var unexpected = byName.Keys.Where(k => !parameters.ContainsKey(k) && !IsIgnorable(k)).ToList();
        var missing = parameters.Keys.Where(k => !byName.ContainsKey(k)).ToList();
        if (missing.Count > 0 || unexpected.Count > 0)
        {
            throw new InvalidDataException($"{source}: weights do not match a GPT-2 of this config: " +
                $"missing [{string.Join(", ", missing.Take(5))}], unexpected [{string.Join(", ", unexpected.Take(5))}].");
        }
        using var _ = torch.no_grad();
        foreach (var (name, parameter) in parameters)
        {
            var entry = byName[name];
            if (entry.DType != "F32")
                throw new InvalidDataException($"{source}: tensor '{entry.Name}' is {entry.DType}; only F32 weights are supported so far.");
            var values = MemoryMarshal.Cast<byte, float>(entry.Data).ToArray();
            using var stored = torch.tensor(values, entry.Shape);
            using var oriented = IsConv1D(name) ? stored.t() : stored.alias();
            if (!oriented.shape.SequenceEqual(parameter.shape))
                throw new InvalidDataException($"{source}: tensor '{entry.Name}' has shape [{string.Join(", ", entry.Shape)}], which does not fit parameter '{name}' [{string.Join(", ", parameter.shape)}].");
            parameter.copy_(oriented);
        }
    }
}
