using System.Text.Json;
using Gatekeeper.Battery;
using Gatekeeper.Specs;
using Gatekeeper.Verdicts;

namespace Gatekeeper.Tasks.InstructionFollowing;

/// <summary>
/// <c>instruction_following</c>: IFEval-style prompts with verifiable instructions. Greedy decoding;
/// an item is right when the response follows every one of its instructions (IFEval's strict,
/// prompt-level accuracy). Rows are IFEval's own: the prompt, <c>instruction_id_list</c> and
/// <c>kwargs</c> (one argument object per instruction); the checked instructions are
/// <see cref="InstructionChecks.Supported"/>.
/// </summary>
public sealed class InstructionFollowingKind : ITaskKind
{
    private const string InstructionsField = "instruction_id_list";
    private const string ArgumentsField = "kwargs";

    public string Name => "instruction_following";

    public IReadOnlyList<string> Keys => ["max_new_tokens"];

    public bool ScoresAnswers => true;

    public bool AnswersDemonstrate => false;

    public TaskSettings ReadSettings(YamlFields task) =>
        new InstructionFollowingSettings { MaxNewTokens = task.Integer("max_new_tokens", 1, 4096) ?? new InstructionFollowingSettings().MaxNewTokens };

    private static InstructionFollowingSettings Settings(TaskSpec task) => task.Settings as InstructionFollowingSettings ?? new InstructionFollowingSettings();

    /// <summary>The item's instructions become its expected answer, as JSON: [{"id": ..., "kwargs": {...}}, ...].</summary>
    public TaskItem ToItem(TaskSpec task, TaskRow row)
    {
        var prompt = row.Prompt();
        var ids = row.List(InstructionsField);
        if (ids.Count == 0) throw row.Missing(InstructionsField, "instructions (IFEval's list of instruction ids)");
        var arguments = row.Value(ArgumentsField) is { ValueKind: JsonValueKind.Array } list ? list.EnumerateArray().ToList() : [];
        if (arguments.Count != 0 && arguments.Count != ids.Count)
            throw row.Problem($"'{ArgumentsField}' has {arguments.Count} entries for {ids.Count} instructions; give one per instruction.");
        var instructions = new List<Instruction>();
        for (int i = 0; i < ids.Count; i++)
        {
            var argument = arguments.Count > 0 ? arguments[i] : default;
            if (InstructionChecks.Problem(ids[i], argument) is { } problem) throw row.Problem($"{problem}.");
            instructions.Add(new Instruction(ids[i], argument.ValueKind == JsonValueKind.Undefined ? null : argument));
        }
        return new TaskItem(row.Id, prompt, JsonSerializer.Serialize(instructions, Json), [], row.Text(row.Fields.Label));
    }

    public EvaluationRequest Request(TaskSpec task, TaskItem item) => new GenerationRequest(item.Prompt, Settings(task).MaxNewTokens);

    public ItemOutcome Score(TaskSpec task, TaskItem item, EvaluationResponse response)
    {
        var output = ((GenerationResponse)response).Text;
        var instructions = JsonSerializer.Deserialize<List<Instruction>>(item.Answer, Json) ?? [];
        bool followed = instructions.All(i => InstructionChecks.Follows(i.Id, i.Kwargs ?? default, output));
        return AnswerChecks.Outcome(task, item, output, followed);
    }

    public IReadOnlyList<PlannedCheck> Checks(TaskSpec task, GatePolicy policy) => AnswerChecks.Accuracy(task, policy);

    public IReadOnlyList<CheckMetric> Metrics => AnswerChecks.Metrics;

    public IReadOnlyList<PolicyKey> Policy => AnswerChecks.Policy;

    public IReadOnlyList<PolicyKey> PolicyKeys(TaskSpec task) => AnswerChecks.PolicyKeys(task);

    private sealed record Instruction(string Id, JsonElement? Kwargs);

    private static readonly JsonSerializerOptions Json = new() { PropertyNamingPolicy = JsonNamingPolicy.SnakeCaseLower };
}
