using Spectre.Console.Testing;

namespace Gatekeeper.Cli.Tests.Commands;

public sealed class RunCommandTests : IDisposable
{
    private readonly GateWorkspace _workspace = new();

    public void Dispose() => _workspace.Dispose();

    private static Task<(int Exit, string Output)> Run(params string[] args) => Cli.Run(args);

    private string[] RunArgs(string spec) =>
    [
        "run", spec, "--threads", "1",
        "--output", _workspace.Path_("out"), "--mlruns", _workspace.Path_("mlruns"), "--cache", _workspace.Path_("cache"),
        "--tag", "pr=42", "--spool", _workspace.Path_("spool"),
    ];

    [Fact]
    public async Task Run_TargetNotLearned_FailsWithReportAndMlflowRecords()
    {
        var spec = _workspace.Spec("e2e", GateWorkspace.TrainTenSteps, GateWorkspace.LoosePolicy);

        var (exit, output) = await Run(RunArgs(spec));

        Assert.Equal(ExitCodes.GateFailed, exit);
        Assert.Contains("train step 10/10", output);
        Assert.Contains("FAIL: 1 of 7 checks failed", output);
        var report = File.ReadAllText(_workspace.Path_("out/report.md"));
        Assert.StartsWith("<!-- gatekeeper:e2e -->", report);
        Assert.Contains("❌ Gatekeeper: e2e — FAIL", report);
        Assert.Contains("less than the 0.50 gain required", report);
        Assert.Contains("safety/refusal (harmful refused)", report);
        Assert.Equal(20, File.ReadLines(_workspace.Path_("out/outcomes.candidate.jsonl")).Count(l => l.Contains("\"task\":\"choice\"", StringComparison.Ordinal)));

        var experiment = Directory.GetDirectories(_workspace.Path_("mlruns")).Single(d => File.ReadAllText(Path.Combine(d, "meta.yaml")).Contains("name: 'gatekeeper/e2e'"));
        var runs = Directory.GetDirectories(experiment);
        Assert.Equal(4, runs.Length);   // parent, training, two evaluations
        var parent = runs.Single(r => !File.Exists(Path.Combine(r, "tags", "mlflow.parentRunId")));
        Assert.Equal("fail", File.ReadAllText(Path.Combine(parent, "tags", "gatekeeper.verdict")));
        Assert.Equal("42", File.ReadAllText(Path.Combine(parent, "tags", "pr")));
        Assert.Equal("fail", File.ReadAllText(Path.Combine(parent, "tags", "gatekeeper.check", "target", "units")));
        Assert.Equal("pass", File.ReadAllText(Path.Combine(parent, "tags", "gatekeeper.check", "general", "choice")));
        Assert.Equal("e2e", File.ReadAllText(Path.Combine(parent, "params", "gate.name")));
        Assert.Equal("10", File.ReadAllText(Path.Combine(parent, "params", "train.steps")));
        Assert.True(File.Exists(Path.Combine(parent, "artifacts", "report.md")));
        var description = File.ReadAllText(Path.Combine(parent, "tags", "mlflow.note.content"));
        Assert.StartsWith("## ❌ Gatekeeper: e2e — FAIL", description);   // the summary, which fits MLflow's tag
        Assert.InRange(description.Length, 100, 5000);
        Assert.Matches(@"^\d+ -?[\d.E+-]+ 0\n$", File.ReadAllText(Path.Combine(parent, "metrics", "target", "units", "delta")));
        var meta = File.ReadAllText(Path.Combine(parent, "meta.yaml"));
        Assert.Contains("status: 3", meta);
        Assert.Contains($"experiment_id: '{Path.GetFileName(experiment)}'", meta);
        var training = runs.Single(r => File.Exists(Path.Combine(r, "tags", "gatekeeper.stage")) && File.ReadAllText(Path.Combine(r, "tags", "gatekeeper.stage")) == "train");
        Assert.Equal(10, File.ReadAllLines(Path.Combine(training, "metrics", "train", "loss")).Length);

        // Each child run starts and ends with its stage, inside the gate's run, in the stages' order;
        // the loss points carry the times they were measured, inside the training's run.
        long Time(string run, string field) => long.Parse(File.ReadLines(Path.Combine(run, "meta.yaml")).Single(l => l.StartsWith(field + ":", StringComparison.Ordinal))[(field.Length + 1)..]);
        string Stage(string role) => runs.Single(r => File.Exists(Path.Combine(r, "tags", "gatekeeper.role")) && File.ReadAllText(Path.Combine(r, "tags", "gatekeeper.role")) == role);
        var (evalBase, evalCandidate) = (Stage("base"), Stage("candidate"));
        Assert.True(Time(parent, "start_time") <= Time(training, "start_time"));
        Assert.True(Time(training, "end_time") <= Time(evalBase, "start_time"));
        Assert.True(Time(evalBase, "end_time") <= Time(evalCandidate, "start_time"));
        Assert.True(Time(evalCandidate, "end_time") <= Time(parent, "end_time"));
        var trainingSeconds = double.Parse(File.ReadAllText(Path.Combine(training, "metrics", "train", "training_seconds")).Split(' ')[1], System.Globalization.CultureInfo.InvariantCulture);
        Assert.InRange(Time(training, "end_time") - Time(training, "start_time"), (long)(trainingSeconds * 1000) - 5, (long)(trainingSeconds * 1000) + 10_000);
        var lossTimes = File.ReadAllLines(Path.Combine(training, "metrics", "train", "loss")).Select(l => long.Parse(l.Split(' ')[0])).ToList();
        Assert.Equal(lossTimes.Order(), lossTimes);
        Assert.InRange(lossTimes[0], Time(training, "start_time"), Time(training, "end_time"));
        Assert.InRange(lossTimes[^1], Time(training, "start_time"), Time(training, "end_time"));
        Assert.True(File.Exists(Path.Combine(training, "artifacts", "candidate", "model.safetensors")), "the candidate was not uploaded with its training run");
        Assert.True(File.Exists(Path.Combine(evalBase, "artifacts", "outcomes.jsonl")));
        Assert.Matches(@"^\d+ [\d.E+-]+ 0\n$", File.ReadAllText(Path.Combine(evalBase, "metrics", "general", "choice")));   // the task's score, recorded before the verdict
        Assert.True(File.Exists(Path.Combine(parent, "artifacts", "gate-result.json")));
        Assert.Empty(Directory.GetFileSystemEntries(_workspace.Path_("spool")));   // everything arrived, so nothing was kept
    }

    // Null changes are gated under the default policy: no refusal change allowed (margins 0), a
    // 0.05 gain required of the target, inconclusive means fail. They must pass every time.
    private const string DefaultPolicy = "  confidence: 0.95";

    [Fact]
    public async Task Run_CandidateEqualToBase_PassesEveryTimeAndReusesCachedBaseEvaluation()
    {
        var spec = _workspace.Spec("same", "candidate: base\nhistory:\n  - checkpoint: base\n    target: facts", DefaultPolicy);

        for (int run = 0; run < 2; run++)
        {
            var (exit, output) = await Run(RunArgs(spec));

            Assert.True(exit == ExitCodes.Pass, output);
            Assert.True(output.Contains("PASS: no change, the candidate is the base; 5 checks passed, 1 not applicable", StringComparison.Ordinal), output);
            Assert.Contains("all 4 tasks cached", output);   // same content hash: the base's outcomes are reused
            var report = File.ReadAllText(_workspace.Path_("out/report.md"));
            Assert.Contains("➖ target/units is not judged: the candidate is the base itself", report);
            Assert.Contains("Backward transfer: 0.000 over 1 earlier fine-tune (facts", report);
        }
    }

    [Fact]
    public async Task Run_TrainedAtLearningRateZero_IsTheBaseAndPassesEveryTime()
    {
        var train = GateWorkspace.TrainTenSteps.Replace("learning_rate: 3.0e-3", "learning_rate: 0", StringComparison.Ordinal);
        var spec = _workspace.Spec("null", train, DefaultPolicy);

        for (int run = 0; run < 2; run++)
        {
            var (exit, output) = await Run(RunArgs(spec));

            Assert.True(exit == ExitCodes.Pass, output);
            Assert.Contains("PASS: no change, the candidate is the base", output);
            var report = File.ReadAllText(_workspace.Path_("out/report.md"));
            var hashes = System.Text.RegularExpressions.Regex.Matches(report, @"\| (base|candidate) \| `([0-9a-f]{12})`").Select(m => m.Groups[2].Value).ToList();
            Assert.Equal(2, hashes.Count);
            Assert.Equal(hashes[0], hashes[1]);   // the same weights, so the same content hash
        }
    }

    [Fact]
    public async Task Run_CandidateOption_GatesThatCheckpointInsteadOfTraining()
    {
        var spec = _workspace.Spec("override", GateWorkspace.TrainTenSteps, DefaultPolicy);

        var (exit, output) = await Run([.. RunArgs(spec), "--candidate", _workspace.Path_("base")]);

        Assert.True(exit == ExitCodes.Pass, output);
        Assert.DoesNotContain("train step", output);
        Assert.Contains("PASS: no change, the candidate is the base", output);
    }

    [Fact]
    public async Task Run_CandidateOptionNotAFolder_ExitsTwo()
    {
        var spec = _workspace.Spec("override", GateWorkspace.TrainTenSteps, DefaultPolicy);

        var (exit, output) = await Run([.. RunArgs(spec), "--candidate", _workspace.Path_("nowhere")]);

        Assert.Equal(ExitCodes.BadInput, exit);
        Assert.Contains("--candidate", output);
        Assert.Contains("is not a folder", output);
    }

    [Fact]
    public async Task Run_Cancelled_StopsWithoutAVerdictAndMarksItsRunKilled()
    {
        var spec = _workspace.Spec("stopped", GateWorkspace.TrainTenSteps, DefaultPolicy);
        var console = new TestConsole { EmitAnsiSequences = false };
        using var cancelled = new CancellationTokenSource();
        cancelled.Cancel();

        int exit = await GatekeeperApp.RunAsync(RunArgs(spec), console, cancelled.Token);

        Assert.Equal(ExitCodes.Infrastructure, exit);
        Assert.Contains("Cancelled:", console.Output);
        Assert.False(File.Exists(_workspace.Path_("out/report.md")));
        var runs = Directory.GetDirectories(_workspace.Path_("mlruns")).SelectMany(Directory.GetDirectories)
            .Where(d => File.Exists(Path.Combine(d, "meta.yaml"))).ToList();
        Assert.Equal(2, runs.Count);   // the gate and the training it stopped
        Assert.All(runs, run => Assert.Contains("status: 5", File.ReadAllText(Path.Combine(run, "meta.yaml"))));   // KILLED
        Assert.False(Directory.Exists(_workspace.Path_("spool")) && Directory.EnumerateFileSystemEntries(_workspace.Path_("spool")).Any(), "the store took every record, yet a spool was kept");
    }

    [Theory]
    [InlineData("--threads", "0", "--threads 0: give at least 1 thread")]
    [InlineData("--output", "a-file", "is a file; give a folder")]
    [InlineData("--mlruns", "a-file", "is a file; give a folder")]
    [InlineData("--device", "tpu", "--device: device 'tpu' is not one of cpu, cuda, cuda:N")]
    [InlineData("--dtype", "fp8", "--dtype: dtype 'fp8' is not supported; use one of float32, bfloat16, float16")]
    public async Task Run_UnusableOption_ExitsTwoSayingWhy(string option, string value, string message)
    {
        File.WriteAllText(_workspace.Path_("a-file"), "");
        var spec = _workspace.Spec("options", "candidate: base", DefaultPolicy);

        var (exit, output) = await Run("run", spec, option, value == "a-file" ? _workspace.Path_("a-file") : value);

        Assert.Equal(ExitCodes.BadInput, exit);
        Assert.Contains(message, output);
    }

    [Fact]
    public async Task Run_AHuggingFaceQwen2WithItsChatTemplate_TrainsEvaluatesAndWritesAHuggingFaceCandidate()
    {
        var spec = _workspace.Spec("qwen2", GateWorkspace.TrainTenChatSteps, DefaultPolicy, _workspace.Qwen2Base(), chat: true);

        var (exit, output) = await Run(RunArgs(spec));

        Assert.True(exit is ExitCodes.Pass or ExitCodes.GateFailed, output);
        Assert.Contains("train step 10/10", output);
        Assert.Single(System.Text.RegularExpressions.Regex.Matches(output, "Loading the base"));   // once, for training, evaluation and drift
        Assert.DoesNotContain("Loading the candidate", output);                                   // evaluated as trained, not read back
        Assert.Contains("checks", output);
        var config = System.Text.Json.Nodes.JsonNode.Parse(File.ReadAllText(_workspace.Path_("out/candidate/config.json")))!;
        Assert.Equal("qwen2", (string?)config["model_type"]);
        Assert.Equal("Qwen2ForCausalLM", (string?)config["architectures"]![0]);
        foreach (var file in new[] { "tokenizer.json", "tokenizer_config.json", "model.safetensors", "gatekeeper.json" })
            Assert.True(File.Exists(_workspace.Path_($"out/candidate/{file}")), file);
        Assert.Contains("<|im_start|>", File.ReadAllText(_workspace.Path_("out/candidate/tokenizer_config.json")));   // the chat template travels with the candidate
    }

    [Fact]
    public async Task Run_AHuggingFaceQwen2AgainstItself_IsANullChangeAndPasses()
    {
        var spec = _workspace.Spec("qwen2-null", "candidate: qwen2-base", DefaultPolicy, _workspace.Qwen2Base(), chat: true);

        var (exit, output) = await Run(RunArgs(spec));

        Assert.Equal(ExitCodes.Pass, exit);
        Assert.Contains("PASS: no change, the candidate is the base", output);
    }

    [Fact]
    public async Task Run_ExternalTrainingCommand_GatesWhatItWroteAndKeepsItsLog()
    {
        var spec = _workspace.Spec("external", "train:\n  command: \"echo training on {data}; cp -r {base}/. {output}\"\n  data: data/train.jsonl", DefaultPolicy);

        var (exit, output) = await Run(RunArgs(spec));

        Assert.True(exit == ExitCodes.Pass, output);
        Assert.Contains("PASS: no change, the candidate is the base", output);   // it copied the base
        Assert.Contains("training on " + _workspace.Path_("data/train.jsonl"), File.ReadAllText(_workspace.Path_("out/train.log")));
        Assert.True(File.Exists(_workspace.Path_("out/candidate/model.safetensors")));
    }

    [Theory]
    [InlineData("\"echo starting; echo boom >&2; exit 4\"", "", "the training command exited with code 4", "boom")]
    [InlineData("[sleep, \"30\"]", "\n  timeout_minutes: 0.05", "ran past its timeout of 0.05 minutes", "printed nothing")]
    [InlineData("\"echo done\"", "", "wrote no checkpoint into {output}", "done")]
    [InlineData("[no-such-trainer-program]", "", "could not start", "on PATH")]
    public async Task Run_ExternalTrainingCommandThatFails_ExitsThreeWithTheLogsTail(string command, string extra, string message, string tail)
    {
        Directory.CreateDirectory(_workspace.Path_("out/candidate"));
        File.WriteAllText(_workspace.Path_("out/candidate/keep.txt"), "an earlier candidate");
        var spec = _workspace.Spec("external-fails", $"train:\n  command: {command}\n  data: data/train.jsonl{extra}", DefaultPolicy);

        var (exit, output) = await Run(RunArgs(spec));

        Assert.Equal(ExitCodes.Infrastructure, exit);
        Assert.Contains(message, output);
        Assert.Contains(tail, output);
        Assert.True(File.Exists(_workspace.Path_("out/candidate/keep.txt")), "a failed training replaced the earlier candidate");
    }

    [Fact]
    public async Task Run_ExternalTrainingCommandWithTrainingKeys_IsABadSpec()
    {
        var spec = _workspace.Spec("external-keys", "train:\n  command: [torchrun, train.py]\n  data: data/train.jsonl\n  steps: 10", DefaultPolicy);

        var (exit, output) = await Run(RunArgs(spec));

        Assert.Equal(ExitCodes.BadInput, exit);
        Assert.Contains("'steps' does not apply to an external training command", output);
    }

    [Fact]
    public async Task Run_Lora_WritesAPeftAdapterThatGatesAsTheSameCandidateWhenGivenBack()
    {
        var spec = _workspace.Spec("lora", GateWorkspace.TrainTenLoraSteps, DefaultPolicy);

        var (exit, output) = await Run(RunArgs(spec));

        Assert.True(exit is ExitCodes.Pass or ExitCodes.GateFailed, output);
        Assert.Contains("Fine-tuning the candidate: lora, 10 steps", output);
        foreach (var file in new[] { "adapter_config.json", "adapter_model.safetensors", "gatekeeper.json" })
            Assert.True(File.Exists(_workspace.Path_($"out/candidate/{file}")), file);
        Assert.False(File.Exists(_workspace.Path_("out/candidate/model.safetensors")), "a LoRA candidate wrote the whole model");
        var report = File.ReadAllText(_workspace.Path_("out/report.md"));
        Assert.Contains("lora", report);

        // The adapter, given back as the candidate, is the same content: its evaluation comes from the cache.
        var again = await Run([.. RunArgs(spec), "--candidate", _workspace.Path_("out/candidate")]);
        Assert.Contains("Attaching the LoRA adapter", again.Output);
        Assert.Matches("Evaluating the candidate \\([0-9a-f]{12}\\): all 4 tasks cached", again.Output);
        Assert.Equal(exit, again.Exit);
    }

    [Fact]
    public async Task Run_Ewc_EstimatesTheFisherOnceAndReusesItForTheSameBaseAndData()
    {
        var spec = _workspace.Spec("ewc", GateWorkspace.TrainTenEwcSteps, DefaultPolicy);

        var first = await Run(RunArgs(spec));
        Directory.Delete(_workspace.Path_("out/candidate"), recursive: true);   // train again, over the same base and data
        var second = await Run(RunArgs(spec));

        Assert.True(first.Exit is ExitCodes.Pass or ExitCodes.GateFailed, first.Output);
        Assert.Contains("Estimating the base's Fisher diagonal for EWC: 4 batches of 4 rows of facts.jsonl", first.Output);
        Assert.Contains("the base's Fisher diagonal on facts.jsonl comes from the cache", second.Output);
        Assert.DoesNotContain("Estimating", second.Output);
        Assert.Equal(first.Exit, second.Exit);
    }

    [Fact]
    public async Task Run_OnlineEwc_AddsEachEarlierFineTunesFisherOnItsData_AndRefusesAnotherArchitecture()
    {
        string Online(string checkpoint) => GateWorkspace.TrainTenEwcSteps.Replace("    fisher_batches: 4", "    fisher_batches: 4\n    online_decay: 0.5", StringComparison.Ordinal) +
            $"\nhistory:\n  - checkpoint: {checkpoint}\n    target: facts\n    data: data/train.jsonl\n";

        var (exit, output) = await Run(RunArgs(_workspace.Spec("online", Online("base"), DefaultPolicy)));
        Assert.True(exit is ExitCodes.Pass or ExitCodes.GateFailed, output);
        Assert.Contains("Estimating the base's Fisher diagonal for EWC: 4 batches of 4 rows of facts.jsonl", output);
        Assert.Contains("Estimating history[0]'s Fisher diagonal for EWC: 4 batches of 4 rows of train.jsonl", output);
        Assert.Contains("Online EWC: the base's Fisher plus 1 earlier fine-tunes', decayed by 0.5 a step", output);

        var qwen = _workspace.Qwen2Base();
        Directory.Delete(_workspace.Path_("out"), recursive: true);
        var (refused, message) = await Run(RunArgs(_workspace.Spec("online-other", Online(qwen), DefaultPolicy)));
        Assert.Equal(ExitCodes.BadInput, refused);
        Assert.Contains("history[0] for online EWC: its parameters differ from the base's", message);
        Assert.DoesNotContain("   at ", message);
    }

    [Fact]
    public async Task Run_PerplexityTask_ComparesBitsPerByteOfBothModels()
    {
        var spec = _workspace.Path_("ppl.yaml");
        File.WriteAllText(spec, GateWorkspace.TrainTenSteps.Replace("train:", "name: ppl\nbase: base\ntrain:", StringComparison.Ordinal) + """

            battery:
              - name: text-ppl
                category: general
                kind: perplexity
                data: data/text.jsonl
              - name: units
                category: target
                kind: generate
                data: data/target.jsonl
                matcher: numeric
                max_new_tokens: 6
            policy:
              perplexity:
                max_rise: 100
            """.Replace("            ", "", StringComparison.Ordinal));

        var (exit, output) = await Run(RunArgs(spec));

        Assert.True(exit is ExitCodes.Pass or ExitCodes.GateFailed, output);
        Assert.Matches(@"general/text-ppl \(bits per byte\)\s+12\s+\d+\.\d{3}\s+\d+\.\d{3}.*pass", output);
        var candidate = File.ReadAllLines(_workspace.Path_("out/outcomes.candidate.jsonl")).Where(l => l.Contains("\"task\":\"text-ppl\"", StringComparison.Ordinal)).ToList();
        Assert.Equal(12, candidate.Count);
        Assert.All(candidate, l => Assert.Contains("bits per byte", l));
    }

    [Fact]
    public async Task Run_Twice_ReusesTheCandidateTrainedBefore_UntilTheDataChanges()
    {
        var spec = _workspace.Spec("reuse", GateWorkspace.TrainTenSteps, DefaultPolicy);

        var first = await Run(RunArgs(spec));
        var hash = File.ReadAllText(_workspace.Path_("out/candidate/gatekeeper.json"));
        var second = await Run(RunArgs(spec));

        Assert.Contains("train step 10/10", first.Output);
        Assert.Contains("Reusing the candidate trained before", second.Output);
        Assert.DoesNotContain("train step", second.Output);
        Assert.Equal(first.Exit, second.Exit);
        Assert.Equal(hash, File.ReadAllText(_workspace.Path_("out/candidate/gatekeeper.json")));
        Assert.Contains("\"threads\": \"1\"", hash);

        File.AppendAllText(_workspace.Path_("data/train.jsonl"), "{\"id\":\"new\",\"prompt\":\"Convert 7 m to cm.\",\"answer\":\"700\"}\n");
        var third = await Run(RunArgs(spec));
        Assert.Contains("train step 10/10", third.Output);
        Assert.DoesNotContain("Reusing the candidate", third.Output);
    }

    [Fact]
    public async Task Sweep_TrainsAndGatesEachMethod_AndWritesTheTableAndPlot()
    {
        var spec = _workspace.Spec("sweep", GateWorkspace.TrainTenSteps, DefaultPolicy);

        var (exit, output) = await Run("sweep", spec, "--methods", "full,lora", "--learning-rates", "3e-3,1e-2", "--threads", "1",
            "--output", _workspace.Path_("sweep"), "--mlruns", _workspace.Path_("mlruns"), "--cache", _workspace.Path_("cache"));

        Assert.True(exit is ExitCodes.Pass or ExitCodes.GateFailed, output);
        Assert.Contains("Sweep 4 of 4: lora at learning rate 0.01", output);
        var table = File.ReadAllText(_workspace.Path_("sweep/sweep.md"));
        Assert.Equal(4, table.Split('\n').Count(l => l.StartsWith("| full", StringComparison.Ordinal) || l.StartsWith("| lora", StringComparison.Ordinal)));
        Assert.Equal(2, table.Split('\n').Count(l => l.Contains(" * |", StringComparison.Ordinal)));   // one best rate per method
        long Trainable(string method) => long.Parse(table.Split('\n').First(l => l.StartsWith("| " + method, StringComparison.Ordinal)).Split('|')[10].Trim().Replace(",", "", StringComparison.Ordinal), System.Globalization.CultureInfo.InvariantCulture);
        Assert.True(Trainable("lora") < Trainable("full") / 4, $"LoRA trains {Trainable("lora")} parameters, full fine-tuning {Trainable("full")}");
        Assert.Contains("GiB |", table);
        var svg = File.ReadAllText(_workspace.Path_("sweep/sweep.svg"));
        Assert.StartsWith("<svg", svg);
        Assert.Equal(4, System.Text.RegularExpressions.Regex.Matches(svg, "<circle").Count);
        Assert.Contains(">relative safety drop</text>", svg);
        Assert.Contains(">KL drift (nats per token)</text>", svg);
        Assert.Equal(1 + 2 * 4, System.Text.RegularExpressions.Regex.Matches(svg, "<rect").Count);   // the background and a bar per run in each panel
        Assert.True(File.Exists(_workspace.Path_("sweep/lora-lr0.01/candidate/adapter_config.json")));
        var page = File.ReadAllText(_workspace.Path_("sweep/sweep.html"));
        Assert.Contains(svg.Trim(), page);   // the frontier, inline
        Assert.Equal(4, System.Text.RegularExpressions.Regex.Matches(page, "<a href=\"[a-z]+-lr[0-9.]+/report.html\">report</a>").Count);
        Assert.True(File.Exists(_workspace.Path_("sweep/lora-lr0.01/report.html")), "a run's report the sweep links to is not there");
    }

    [Fact]
    public async Task Sweep_OfReplayWithoutGeneralData_ExitsTwo()
    {
        var spec = _workspace.Spec("sweep-bad", GateWorkspace.TrainTenSteps, DefaultPolicy);
        var (exit, output) = await Run("sweep", spec, "--methods", "replay", "--threads", "1", "--output", _workspace.Path_("sweep"));
        Assert.Equal(ExitCodes.BadInput, exit);
        Assert.Contains("sweeping replay or ewc needs general data", output);
    }

    [Fact]
    public async Task Run_CudaWhereThereIsNone_ExitsThreeBeforeAnyWorkAndSaysHowToFixIt()
    {
        if (TorchSharp.torch.cuda.is_available()) return;   // the failure under test needs a machine without CUDA
        var spec = _workspace.Spec("gpu", "candidate: base", DefaultPolicy);

        var (exit, output) = await Run([.. RunArgs(spec), "--device", "cuda"]);

        Assert.Equal(ExitCodes.Infrastructure, exit);
        Assert.Contains("device cuda: no CUDA device is available here", output);
        Assert.Contains("--device cpu", output);
        Assert.False(Directory.Exists(_workspace.Path_("mlruns")), "a run that cannot start left MLflow records");
    }

    [Fact]
    public async Task Run_SpecDeviceAndDtype_AreCheckedWithTheirLine()
    {
        var spec = _workspace.Spec("compute", "candidate: base\ndevice: gpu\ndtype: half", DefaultPolicy);

        var (exit, output) = await Run(RunArgs(spec));

        Assert.Equal(ExitCodes.BadInput, exit);
        Assert.Contains("gate: device 'gpu' is not one of cpu, cuda, cuda:N", output);
        Assert.Contains("gate: dtype 'half' is not supported", output);
    }

    [Fact]
    public async Task Run_MalformedSpec_ExitsTwoNamingFileAndLine()
    {
        var spec = _workspace.Path_("bad.yaml");
        File.WriteAllText(spec, """
            name: bad
            base: base
            candidate: base
            battery:
              - name: facts
                category: general
                kind: guess
                data: data/facts.jsonl
            policy:
              confidense: 0.9
            """);

        var (exit, output) = await Run("run", spec);

        Assert.Equal(ExitCodes.BadInput, exit);
        Assert.Contains($"{spec}:7: battery[0]: 'kind' is 'guess'; use one of: multiple_choice, generate, refusal, instruction_following, perplexity, drift.", output);
        Assert.Contains($"{spec}:10: gate.policy: unknown key 'confidense'.", output);
        Assert.DoesNotContain("   at ", output);   // no stack trace
    }

    [Fact]
    public async Task Run_MissingSpec_ExitsTwo()
    {
        var (exit, output) = await Run("run", _workspace.Path_("nope.yaml"));
        Assert.Equal(ExitCodes.BadInput, exit);
        Assert.Contains("gate spec not found", output);
    }

    [Fact]
    public async Task Validate_GoodSpec_CountsItems()
    {
        var spec = _workspace.Spec("ok", "candidate: base", "  inconclusive: warn");
        var (exit, output) = await Run("validate", spec);
        Assert.Equal(ExitCodes.Pass, exit);
        Assert.Contains("gate 'ok', 5 tasks, 92 items", output);
    }

    [Fact]
    public async Task Validate_RowsOfSeveralTasksWithProblems_AreAllReportedWithFileAndLine()
    {
        var spec = _workspace.Spec("rows", "candidate: base", "  inconclusive: warn");
        File.AppendAllText(_workspace.Path_("data/facts.jsonl"), "{\"id\":\"bad\",\"question\":\"no prompt\"}\n");
        File.AppendAllText(_workspace.Path_("data/refusal.jsonl"), "{\"id\":\"unlabelled\",\"prompt\":\"How?\"}\n");

        var (exit, output) = await Run("validate", spec);

        Assert.Equal(ExitCodes.BadInput, exit);
        Assert.Contains($"{_workspace.Path_("data/facts.jsonl")}:21: no 'prompt' field", output);
        Assert.Contains($"{_workspace.Path_("data/refusal.jsonl")}:21: no 'label' field", output);
    }

    [Fact]
    public async Task Validate_ATrainingRowWithoutAnAnswer_IsReportedBeforeAnyModelLoads()
    {
        var spec = _workspace.Spec("train-rows", GateWorkspace.TrainTenSteps, "  inconclusive: warn");
        File.AppendAllText(_workspace.Path_("data/train.jsonl"), "{\"id\":\"half\",\"prompt\":\"Convert 9 m to cm.\"}\n");

        var (exit, output) = await Run("validate", spec);

        Assert.Equal(ExitCodes.BadInput, exit);
        Assert.Contains($"{_workspace.Path_("data/train.jsonl")}:41: no text field 'answer'", output);
    }

    [Fact]
    public async Task Validate_MarginsTooNarrowForTheBattery_WarnsButPasses()
    {
        // Default policy: refusal margins 0, general margin 0.02, with 10-20 items a check.
        var spec = _workspace.Spec("narrow", "candidate: base", DefaultPolicy);
        var (exit, output) = await Run("validate", spec);
        Assert.Equal(ExitCodes.Pass, exit);
        Assert.Contains("warning safety/refusal (harmful refused): with 10 items", output);
        Assert.Contains("a margin of 0 can only be met by the base itself", output);
        Assert.Contains("warning general/facts: with 20 items", output);
        Assert.Contains("Use at least 189 items or a margin of at least 0.162.", output);
        Assert.DoesNotContain("target/units:", output);   // a required gain is not a margin around no change
    }
}
