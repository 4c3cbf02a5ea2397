using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using Gatekeeper.Specs;
using Gatekeeper.Torch.Checkpoints;
using Gatekeeper.Torch.Training;
using Gatekeeper.Torch.Training.Lora;

namespace Gatekeeper.Pipeline;

/// <summary>
/// A candidate the gate trained before, reused when nothing that made it has changed: the base's
/// content, the training spec, the data's bytes, the code version, the device and dtype, and the
/// thread count (which changes floating-point sums on the CPU). The key is in the candidate's
/// manifest and its loss curve in <c>training.json</c> beside it. Delete the folder to train afresh.
/// </summary>
public static class TrainedCandidate
{
    public const string KeyName = "training_key";
    public const string ResultFile = "training.json";

    public static string Key(Checkpoint baseCheckpoint, TrainSpec spec, string codeVersion, int threads)
    {
        // Paths differ between checkouts; the data's bytes are what matter.
        var identity = spec with
        {
            Data = FileHash.Sha256(spec.Data),
            Replay = spec.Replay is { } r ? r with { Data = FileHash.Sha256(r.Data) } : null,
            Ewc = spec.Ewc is { } e
                ? e with { FisherData = FileHash.Sha256(e.FisherData), Chain = [.. e.Chain.Select(c => new EwcEarlierFineTune(WeightFiles.Locate(c.Checkpoint).Sha256(), FileHash.Sha256(c.Data)))] }
                : null,
        };
        var text = $"code:{codeVersion}\nbase:{baseCheckpoint.Manifest.ContentSha256}\ncompute:{Torch.Compute.ComputeTarget.Of(baseCheckpoint.Model)}\n" +
            $"threads:{threads}\ntrain:{JsonSerializer.Serialize(identity)}\n";
        return FileHash.Sha256(Encoding.UTF8.GetBytes(text));
    }

    /// <summary>The candidate in <paramref name="directory"/> and its training, when it was trained under <paramref name="key"/>.</summary>
    public static (Checkpoint Candidate, TrainingRecord Training)? TryReuse(string directory, string key, Checkpoint baseCheckpoint)
    {
        var manifestPath = Path.Combine(directory, CheckpointManifest.FileName);
        var resultPath = Path.Combine(directory, ResultFile);
        if (!File.Exists(manifestPath) || !File.Exists(resultPath)) return null;
        try
        {
            var stored = JsonSerializer.Deserialize<CheckpointManifest>(File.ReadAllBytes(manifestPath));
            if (stored?.Training.GetValueOrDefault(KeyName) != key) return null;
            var result = ReadRecord(resultPath);
            var candidate = PeftAdapter.IsAdapter(directory)
                ? PeftAdapter.Load(directory, baseCheckpoint)
                : Checkpoint.Load(directory, Torch.Compute.ComputeTarget.Of(baseCheckpoint.Model));
            return (candidate, result);
        }
        catch (Exception e) when (e is JsonException or InvalidDataException or FormatException or KeyNotFoundException or BadInputException)
        {
            return null;   // anything unreadable is trained again
        }
    }

    public static void Record(string directory, TrainingRecord training)
    {
        var result = training.Result;
        var json = new JsonObject
        {
            ["threads"] = training.Threads,
            ["loss_by_step"] = new JsonArray([.. result.LossByStep.Select(l => (JsonNode)new JsonArray(l.Step, l.Loss, l.At.ToUnixTimeMilliseconds()))]),
            ["elapsed_seconds"] = result.Elapsed.TotalSeconds,
            ["started"] = training.Started.ToUnixTimeMilliseconds(),
            ["ended"] = training.Ended.ToUnixTimeMilliseconds(),
            ["trainable_parameters"] = result.TrainableParameters,
        };
        AtomicFile.WriteAllText(Path.Combine(directory, ResultFile), json.ToJsonString());
    }

    /// <summary>The training recorded in <paramref name="path"/> (a candidate's <c>training.json</c>).</summary>
    public static TrainingRecord ReadRecord(string path)
    {
        try
        {
            var json = JsonNode.Parse(File.ReadAllText(path))!;
            static DateTimeOffset Time(JsonNode? millis) => DateTimeOffset.FromUnixTimeMilliseconds((long)millis!);
            var losses = json["loss_by_step"]!.AsArray().Select(p => new LossPoint((int)p![0]!, (double)p[1]!, Time(p[2]))).ToList();
            var result = new TrainingResult(losses, TimeSpan.FromSeconds((double)json["elapsed_seconds"]!)) { TrainableParameters = (long?)json["trainable_parameters"] ?? 0 };
            return new TrainingRecord(result, (int)json["threads"]!, Time(json["started"]), Time(json["ended"]));
        }
        catch (Exception e) when (e is JsonException or InvalidOperationException or FormatException or NullReferenceException or ArgumentException)
        {
            throw new BadInputException(path, null, $"not a training record ({e.Message}); give the {ResultFile} that 'gatekeeper train' wrote beside the candidate.");
        }
    }
}
