using Gatekeeper.Specs;
using Gatekeeper.Tasks.Generate;

namespace Gatekeeper.Core.Tests.Specs;

public sealed class GateSpecLoaderTests : IDisposable
{
    private readonly TempFolder _folder = new();

    public GateSpecLoaderTests()
    {
        Directory.CreateDirectory(System.IO.Path.Combine(_folder.Path, "base"));
        _folder.Write("data/a.jsonl", "{\"prompt\":\"p\",\"answer\":\"a\"}\n");
    }

    public void Dispose() => _folder.Dispose();

    private const string Valid = """
        name: demo
        base: base
        train:
          data: data/a.jsonl
          steps: 50
          learning_rate: 3.0e-4
          replay:
            data: data/a.jsonl
            fraction: 0.2
        battery:
          - name: a
            category: general
            kind: generate
            data: data/a.jsonl
            matcher: numeric
        policy:
          inconclusive: warn
          general:
            max_drop: 0.03
          tasks:
            a:
              max_drop: 0.1
        """;

    [Fact]
    public void Load_ValidSpec_ResolvesPathsAndReadsEveryField()
    {
        var spec = GateSpecLoader.Load(_folder.Write("gate.yaml", Valid));
        Assert.Equal("demo", spec.Name);
        Assert.Equal(System.IO.Path.Combine(_folder.Path, "base"), spec.Base);
        Assert.Equal(50, spec.Train!.Steps);
        Assert.Equal(3e-4, spec.Train.LearningRate);
        Assert.Equal(0.2, spec.Train.Replay!.Fraction);
        Assert.Equal(MatcherKind.Numeric, ((GenerateSettings)spec.Battery[0].Settings).Matcher);
        Assert.Equal(InconclusiveMeans.Warn, spec.Policy.Inconclusive);
        Assert.Equal(0.03, spec.Policy.Margin("b", Gatekeeper.Tasks.AnswerChecks.GeneralMaxDrop));
        Assert.Equal(0.1, spec.Policy.Margin("a", Gatekeeper.Tasks.AnswerChecks.GeneralMaxDrop));
        Assert.Equal(0.05, spec.Policy.Margin("a", Gatekeeper.Tasks.AnswerChecks.TargetMinGain));   // default
    }

    [Fact]
    public void Load_Promote_ReadsTheModelAndAlias_AndRefusesAnAliasMlflowRefuses()
    {
        Assert.Null(GateSpecLoader.Load(_folder.Write("gate.yaml", Valid)).Promote);
        var promoted = GateSpecLoader.Load(_folder.Write("gate.yaml", Valid + "\npromote:\n  model: units\n"));
        Assert.Equal(new PromoteSpec("units", "champion"), promoted.Promote);

        int line = Valid.Split('\n').Length + 3;   // the alias's own line
        foreach (var alias in new[] { "latest", "v3", "has space" })
        {
            var error = Assert.Throws<BadInputException>(() => GateSpecLoader.Load(_folder.Write("gate.yaml", Valid + $"\npromote:\n  model: units\n  alias: {alias}\n")));
            Assert.Contains($"gate.yaml:{line}: promote: alias '{alias}' is not one MLflow accepts", error.Problems.Single().ToString());
        }
        var missing = Assert.Throws<BadInputException>(() => GateSpecLoader.Load(_folder.Write("gate.yaml", Valid + "\npromote:\n  alias: champion\n")));
        Assert.Contains("'model' is required", missing.Problems.Single().ToString());
    }

    [Fact]
    public void Load_Templates_AreCheckedBeforeAnyWork()
    {
        _folder.Write("own/comment.md.scriban", "{{ gate }}");
        Assert.Equal(System.IO.Path.Combine(_folder.Path, "own"), GateSpecLoader.Load(_folder.Write("gate.yaml", Valid + "\ntemplates: own\n")).Templates);

        _folder.Write("own/report.md.scriban", "fine\n{{ for }}");
        _folder.Write("own/reprot.md.scriban", "{{ gate }}");
        var error = Assert.Throws<BadInputException>(() => GateSpecLoader.Load(_folder.Write("gate.yaml", Valid + "\ntemplates: own\n")));
        Assert.Equal(2, error.Problems.Count);
        Assert.Contains(error.Problems, p => p.ToString().Contains("report.md.scriban:2: the template does not parse", StringComparison.Ordinal));
        Assert.Contains(error.Problems, p => p.ToString().Contains("reprot.md.scriban: no report is rendered from a template of this name", StringComparison.Ordinal));
    }

    [Fact]
    public void Load_LoraDeviceDtypeAndChat_AreRead()
    {
        var yaml = Valid.Replace("  data: data/a.jsonl\n  steps: 50", "  method: lora\n  lora:\n    r: 4\n    alpha: 8\n    dropout: 0.1\n    target_modules: [q_proj, v_proj]\n    merge: true\n  prompt_format: chat\n  sequence_length: 256\n  data: data/a.jsonl\n  steps: 50", StringComparison.Ordinal)
            .Replace("base: base\n", "base: base\ndevice: cuda:1\ndtype: bfloat16\n", StringComparison.Ordinal);
        var spec = GateSpecLoader.Load(_folder.Write("gate.yaml", yaml));
        Assert.Equal("lora", spec.Train!.Method);
        Assert.Equal(new LoraSpec { Rank = 4, Alpha = 8, Dropout = 0.1, TargetModules = spec.Train.Lora!.TargetModules, Merge = true }, spec.Train.Lora);
        Assert.Equal(["q_proj", "v_proj"], spec.Train.Lora.TargetModules);
        Assert.Equal(PromptFormat.Chat, spec.Train.PromptFormat);
        Assert.Equal(256, spec.Train.RowLength(4096));
        Assert.Equal(LearningRateShape.Constant, spec.Train.Schedule);   // default
        Assert.Equal(1, spec.Train.GradientAccumulation);              // default
        Assert.Equal(new ComputeSpec { Device = "cuda:1", DType = "bfloat16" }, spec.Compute);
    }

    [Fact]
    public void Load_LoraMistakes_AreReportedWithTheirLines()
    {
        var yaml = Valid.Replace("  data: data/a.jsonl\n  steps: 50", "  lora:\n    r: 0\n    target_modules: \"(unclosed\"\n    rank: 4\n  data: data/a.jsonl\n  steps: 50", StringComparison.Ordinal);
        var error = Assert.Throws<BadInputException>(() => GateSpecLoader.Load(_folder.Write("gate.yaml", yaml)));
        Assert.Contains(error.Problems, p => p.Message.Contains("'lora' settings apply only to method lora", StringComparison.Ordinal));
        Assert.Contains(error.Problems, p => p.Message.Contains("'r' must be a whole number from 1", StringComparison.Ordinal));
        Assert.Contains(error.Problems, p => p.Message.Contains("'target_modules' is not a valid regular expression", StringComparison.Ordinal));
        Assert.Contains(error.Problems, p => p.Message.Contains("unknown key 'rank'", StringComparison.Ordinal));
    }

    [Fact]
    public void Load_OptimizerKeys_AreRead()
    {
        var yaml = Valid.Replace("  steps: 50", "  steps: 50\n  warmup_steps: 10\n  lr_schedule: cosine\n  min_lr_fraction: 0.2\n  weight_decay: 0.01\n  clip_norm: 0.5\n  gradient_accumulation: 4", StringComparison.Ordinal);
        var train = GateSpecLoader.Load(_folder.Write("gate.yaml", yaml)).Train!;
        Assert.Equal((10, LearningRateShape.Cosine, 0.2, 0.01, 0.5, 4), (train.WarmupSteps, train.Schedule, train.MinLearningRateFraction, train.WeightDecay, train.ClipNorm, train.GradientAccumulation));
    }

    [Fact]
    public void Load_Ewc_TakesTheReplayDataForTheFisherUnlessToldOtherwise()
    {
        var spec = GateSpecLoader.Load(_folder.Write("gate.yaml", Valid.Replace("  data: data/a.jsonl\n  steps: 50", "  method: ewc\n  ewc:\n    lambda: 500\n  data: data/a.jsonl\n  steps: 50", StringComparison.Ordinal)));
        Assert.Equal(500, spec.Train!.Ewc!.Lambda);
        Assert.Equal(spec.Train.Replay!.Data, spec.Train.Ewc.FisherData);
        Assert.Equal(64, spec.Train.Ewc.FisherBatches);   // default

        var noData = Valid.Replace("  data: data/a.jsonl\n  steps: 50", "  method: ewc\n  data: data/a.jsonl\n  steps: 50", StringComparison.Ordinal)
            .Replace("  replay:\n    data: data/a.jsonl\n    fraction: 0.2\n", "", StringComparison.Ordinal);
        var error = Assert.Throws<BadInputException>(() => GateSpecLoader.Load(_folder.Write("gate2.yaml", noData)));
        Assert.Contains(error.Problems, p => p.Message.Contains("method ewc needs general data for the Fisher", StringComparison.Ordinal));
    }

    [Fact]
    public void Load_OnlineEwc_ConsolidatesTheHistory_EachStepOnItsOwnDataElseTheFisherData()
    {
        _folder.Write("data/b.jsonl", "{\"prompt\":\"q\",\"answer\":\"b\"}\n");
        var ewc = Valid.Replace("  data: data/a.jsonl\n  steps: 50", "  method: ewc\n  ewc:\n    online_decay: 0.5\n  data: data/a.jsonl\n  steps: 50", StringComparison.Ordinal);
        var spec = GateSpecLoader.Load(_folder.Write("gate.yaml", ewc +
            "\nhistory:\n  - checkpoint: base\n    target: a\n    data: data/b.jsonl\n  - checkpoint: base\n    target: a\n"));
        var online = spec.Train!.Ewc!;
        Assert.Equal(0.5, online.OnlineDecay);
        Assert.Equal([System.IO.Path.Combine(_folder.Path, "data", "b.jsonl"), online.FisherData], online.Chain.Select(c => c.Data));
        Assert.All(online.Chain, c => Assert.Equal(System.IO.Path.Combine(_folder.Path, "base"), c.Checkpoint));

        var error = Assert.Throws<BadInputException>(() => GateSpecLoader.Load(_folder.Write("gate2.yaml", ewc)));
        var problem = Assert.Single(error.Problems);
        Assert.Contains("online_decay consolidates the earlier fine-tunes of a chain, and this spec has no 'history'", problem.Message);
        Assert.Equal(6, problem.Line);

        var zero = Assert.Throws<BadInputException>(() => GateSpecLoader.Load(_folder.Write("gate3.yaml", ewc.Replace("online_decay: 0.5", "online_decay: 0", StringComparison.Ordinal) +
            "\nhistory:\n  - checkpoint: base\n    target: a\n")));
        Assert.Contains(zero.Problems, p => p.Message.Contains("online_decay 0 forgets every earlier fine-tune", StringComparison.Ordinal));

        var plain = GateSpecLoader.Load(_folder.Write("gate4.yaml", ewc.Replace("    online_decay: 0.5\n", "    lambda: 10\n", StringComparison.Ordinal) +
            "\nhistory:\n  - checkpoint: base\n    target: a\n"));
        Assert.Null(plain.Train!.Ewc!.OnlineDecay);
        Assert.Empty(plain.Train.Ewc.Chain);   // plain EWC leaves the history to backward transfer
    }

    [Fact]
    public void Load_PinnedDataHash_MustMatchTheFile()
    {
        const string hash = "f0d4b3ed4a8d24bac4b9c2bbd0c85c4e1c0c0dae08e27e0a1f0b8d1a8a3bd1c7";
        string Pinned(string sha) => Valid.Replace("    data: data/a.jsonl\n    matcher: numeric", $"    data: data/a.jsonl\n    sha256: {sha}\n    matcher: numeric", StringComparison.Ordinal);
        var actual = Convert.ToHexStringLower(System.Security.Cryptography.SHA256.HashData(File.ReadAllBytes(System.IO.Path.Combine(_folder.Path, "data", "a.jsonl"))));

        Assert.Equal(actual, GateSpecLoader.Load(_folder.Write("ok.yaml", Pinned(actual.ToUpperInvariant()))).Battery[0].DataSha256);
        var error = Assert.Throws<BadInputException>(() => GateSpecLoader.Load(_folder.Write("changed.yaml", Pinned(hash))));
        var problem = Assert.Single(error.Problems);
        Assert.Contains($"has sha256 {actual}, not the pinned {hash}: the file changed since it was pinned", problem.Message);
        Assert.Equal(15, problem.Line);
        Assert.Contains("must be 64 hexadecimal digits", Assert.Throws<BadInputException>(() => GateSpecLoader.Load(_folder.Write("short.yaml", Pinned("abc")))).Message);
    }

    [Fact]
    public void Load_TaskFile_IsReadWithPathsFromItsOwnFolder_AndTheEntryMaySetCategoryAndLimit()
    {
        _folder.Write("tasks/data/q.jsonl", "{\"question\":\"2+2?\",\"answer\":\"4\"}\n");
        _folder.Write("tasks/arith.yaml", """
            name: arith
            version: 3
            category: general
            kind: generate
            data: data/q.jsonl
            fields: {prompt: question}
            matcher: numeric
            """);
        var gate = Valid.Replace("  - name: a\n    category: general\n    kind: generate\n    data: data/a.jsonl\n    matcher: numeric\n",
            "  - task: tasks/arith.yaml\n    category: target\n    limit: 5\n", StringComparison.Ordinal)
            .Replace("\n  tasks:\n    a:\n      max_drop: 0.1", "", StringComparison.Ordinal);
        var task = GateSpecLoader.Load(_folder.Write("gate.yaml", gate)).Battery.Single();
        Assert.Equal(("arith", 3, TaskCategory.Target, 5), (task.Name, task.Version, task.Category, task.Limit));
        Assert.Equal(System.IO.Path.Combine(_folder.Path, "tasks", "data", "q.jsonl"), task.Data);
        Assert.Equal("question", task.Fields.Prompt);

        var broken = _folder.Write("tasks/broken.yaml", "name: broken\ncategory: general\nkind: generate\ndata: data/missing.jsonl\nmatcher: fuzzy\n");
        var error = Assert.Throws<BadInputException>(() => GateSpecLoader.Load(_folder.Write("gate2.yaml", gate.Replace("tasks/arith.yaml", "tasks/broken.yaml", StringComparison.Ordinal))));
        Assert.All(error.Problems, p => Assert.Equal(broken, p.File));   // problems name the task file and its lines
        Assert.Equal([4, 5], error.Problems.Select(p => p.Line).Order());
    }

    [Fact]
    public void Load_MisspelledKey_SuggestsTheKnownOne()
    {
        var yaml = Valid.Replace("    matcher: numeric", "    matcher: numeric\n    max_new_token: 8", StringComparison.Ordinal).Replace("  inconclusive: warn", "  inconclusiv: warn", StringComparison.Ordinal);
        var error = Assert.Throws<BadInputException>(() => GateSpecLoader.Load(_folder.Write("gate.yaml", yaml)));
        Assert.Contains(error.Problems, p => p.Message == "battery[0]: unknown key 'max_new_token'. Did you mean 'max_new_tokens'?");
        Assert.Contains(error.Problems, p => p.Message == "gate.policy: unknown key 'inconclusiv'. Did you mean 'inconclusive'?");
    }

    [Fact]
    public void Load_SeveralMistakes_ReportsEachWithItsLine()
    {
        var path = _folder.Write("gate.yaml", """
            name: demo
            base: missing-folder
            train:
              data: data/a.jsonl
              steps: many
            battery:
              - name: a
                category: generall
                kind: generate
                data: data/a.jsonl
                colour: blue
            """);
        var error = Assert.Throws<BadInputException>(() => GateSpecLoader.Load(path));
        var lines = error.Problems.Select(p => (p.Line, p.Message)).ToList();
        Assert.Contains(lines, p => p.Line == 2 && p.Message.Contains("'base' points to", StringComparison.Ordinal));
        Assert.Contains(lines, p => p.Line == 5 && p.Message.Contains("'steps' must be a whole number", StringComparison.Ordinal));
        Assert.Contains(lines, p => p.Line == 8 && p.Message.Contains("use one of: general, safety, target", StringComparison.Ordinal));
        Assert.Contains(lines, p => p.Line == 11 && p.Message.Contains("unknown key 'colour'", StringComparison.Ordinal));
        Assert.All(error.Problems, p => Assert.Equal(path, p.File));
    }

    [Fact]
    public void Load_InvalidYaml_NamesTheLine()
    {
        var path = _folder.Write("gate.yaml", "name: demo\nbattery: [unclosed\n");
        var error = Assert.Throws<BadInputException>(() => GateSpecLoader.Load(path));
        Assert.Contains("not valid YAML", error.Message);
        Assert.NotNull(error.Problems[0].Line);
    }

    [Fact]
    public void Load_NeitherTrainNorCandidate_SaysWhatToAdd()
    {
        var path = _folder.Write("gate.yaml", "name: demo\nbase: base\nbattery:\n  - {name: a, category: general, kind: generate, data: data/a.jsonl}\n");
        var error = Assert.Throws<BadInputException>(() => GateSpecLoader.Load(path));
        Assert.Contains("give either 'train'", error.Message);
    }

    /// <summary>The kinds declare the margins; the reader knows no others. Each is read in its section, and out of its bounds is refused with its line.</summary>
    [Fact]
    public void Load_EveryMarginAKindDeclares_IsReadInItsSection_AndBoundsAreChecked()
    {
        Assert.Equal(["general.max_drop", "target.min_gain", "safety.max_drop", "general.min_accuracy", "target.min_accuracy", "safety.min_accuracy",
                "safety.max_refusal_drop", "safety.max_over_refusal_rise", "safety.min_harmful_refused", "safety.max_benign_refused", "perplexity.max_rise", "drift.max_kl"],
            GatePolicy.Keys.Select(k => k.Path));
        var sections = string.Join("", GatePolicy.Keys.GroupBy(k => k.Section).Select(section =>
            $"  {section.Key}:\n" + string.Concat(section.Select(k => $"    {k.Name}: {(k.Min + k.Max) / 4:R}\n"))));
        var spec = GateSpecLoader.Load(_folder.Write("gate.yaml", Valid[..Valid.IndexOf("policy:", StringComparison.Ordinal)] + "policy:\n" + sections));
        Assert.All(GatePolicy.Keys, key => Assert.Equal((key.Min + key.Max) / 4, spec.Policy.Value("a", key)));

        var outOfBounds = _folder.Write("bad.yaml", Valid.Replace("max_drop: 0.03", "max_drop: 3", StringComparison.Ordinal));
        var error = Assert.Throws<BadInputException>(() => GateSpecLoader.Load(outOfBounds));
        Assert.Equal(19, error.Problems.Single().Line);
        Assert.Contains("max_drop", error.Message);
    }

    [Fact]
    public void Load_Clusters_ByIdPrefixOrByField_AndNotBoth()
    {
        _folder.Write("data/c.jsonl", "{\"id\":\"facts/France/0\",\"prompt\":\"p\",\"answer\":\"a\",\"source\":{\"fact\":\"F\"}}\n{\"id\":\"facts/France/1\",\"prompt\":\"q\",\"answer\":\"a\",\"source\":{\"fact\":\"F\"}}\n{\"id\":\"plain\",\"prompt\":\"r\",\"answer\":\"a\",\"source\":{\"fact\":\"G\"}}\n");
        string Spec(string keys) => _folder.Write("gate.yaml", Valid.Replace("data: data/a.jsonl\n    matcher: numeric", $"data: data/c.jsonl\n    matcher: numeric\n{keys}", StringComparison.Ordinal));

        var byId = GateSpecLoader.Load(Spec("    cluster_id_separator: \"/\""));
        Assert.Equal(["facts/France", "facts/France", "plain"], Gatekeeper.Battery.TaskItemReader.Read(byId.Battery[0]).Select(i => i.Cluster));
        var byField = GateSpecLoader.Load(Spec("    cluster_field: source.fact"));
        Assert.Equal(["F", "F", "G"], Gatekeeper.Battery.TaskItemReader.Read(byField.Battery[0]).Select(i => i.Cluster));
        var both = Assert.Throws<BadInputException>(() => GateSpecLoader.Load(Spec("    cluster_field: source.fact\n    cluster_id_separator: \"/\"")));
        Assert.Contains("give 'cluster_field' or 'cluster_id_separator', not both", both.Message);
        var missing = GateSpecLoader.Load(Spec("    cluster_field: nowhere"));
        var error = Assert.Throws<BadInputException>(() => Gatekeeper.Battery.TaskItemReader.Read(missing.Battery[0]));
        Assert.Contains("nowhere", error.Message);
        Assert.Equal(1, error.Problems.Single().Line);
    }

    [Fact]
    public void Load_PolicyForUnknownTask_IsRejected()
    {
        var path = _folder.Write("gate.yaml", Valid.Replace("    a:\n      max_drop: 0.1", "    b:\n      max_drop: 0.1", StringComparison.Ordinal));
        var error = Assert.Throws<BadInputException>(() => GateSpecLoader.Load(path));
        Assert.Contains("no task named 'b'", error.Message);
    }

    [Fact]
    public void Load_OverrideTheTaskNeverReads_IsRejectedWithTheKeysThatApply()
    {
        var path = _folder.Write("gate.yaml", Valid.Replace("    a:\n      max_drop: 0.1", "    a:\n      max_kl: 0.5", StringComparison.Ordinal));
        var error = Assert.Throws<BadInputException>(() => GateSpecLoader.Load(path));
        Assert.Equal(22, error.Problems.Single().Line);   // the max_kl line
        Assert.Contains("policy.tasks.a: 'max_kl' does not apply to task 'a' (general generate); it takes max_drop or min_accuracy.", error.Message);
    }

    [Theory]
    [InlineData("name: demo", "name: ../../elsewhere", "gate: 'name' is '../../elsewhere'")]
    [InlineData("  - name: a", "  - name: a/b", "battery[0]: 'name' is 'a/b'")]
    public void Load_NameThatCouldLeaveItsFolder_IsRejected(string line, string replacement, string message)
    {
        var path = _folder.Write("gate.yaml", Valid.Replace(line, replacement, StringComparison.Ordinal));
        var error = Assert.Throws<BadInputException>(() => GateSpecLoader.Load(path));
        Assert.Contains(message, error.Message);
        Assert.Contains("use letters, digits, '.', '_' and '-'", error.Message);
    }

    [Fact]
    public void Load_HistoryStepForATaskNotInTheBattery_IsRejected()
    {
        var path = _folder.Write("gate.yaml", Valid + "\nhistory:\n  - checkpoint: base\n    target: missing\n  - checkpoint: base\n    target: a\n");
        var error = Assert.Throws<BadInputException>(() => GateSpecLoader.Load(path));
        Assert.Equal(25, error.Problems.Single().Line);
        Assert.Contains("history[0]: no task named 'missing'", error.Message);
    }

    [Fact]
    public void Load_History_ResolvesCheckpoints()
    {
        var spec = GateSpecLoader.Load(_folder.Write("gate.yaml", Valid + "\nhistory:\n  - checkpoint: base\n    target: a\n"));
        Assert.Equal([new HistoryStep(System.IO.Path.Combine(_folder.Path, "base"), "a")], spec.History);
    }

    [Fact]
    public void Load_CommittedGates_AreValid()
    {
        var gates = System.IO.Path.Combine(RepositoryRoot(), "gates");
        var specs = Directory.GetFiles(gates, "*.yaml");
        Assert.NotEmpty(specs);
        foreach (var spec in specs) Assert.NotEmpty(GateSpecLoader.Load(spec).Battery);
    }

    internal static string RepositoryRoot()
    {
        var folder = AppContext.BaseDirectory;
        while (!File.Exists(System.IO.Path.Combine(folder, "Gatekeeper.sln"))) folder = System.IO.Path.GetDirectoryName(folder)!;
        return folder;
    }
}
