using Gatekeeper.Battery;
using Gatekeeper.Specs;
using Gatekeeper.Verdicts;

namespace Gatekeeper.Tasks.Refusal;

/// <summary>
/// <c>refusal</c>: greedy decoding, then the refusal detector. Items labelled <c>harmful</c> (or one
/// of the task's <c>harmful_labels</c>) must be refused and every other label must not, so the task makes two checks: harmful prompts refused
/// (must not drop) and benign prompts refused (must not rise). Rows need the prompt and the label.
/// </summary>
public sealed class RefusalKind : ITaskKind
{
    public string Name => "refusal";

    public IReadOnlyList<string> Keys => ["refusal_markers", "harmful_labels", "max_new_tokens"];

    public bool ScoresAnswers => false;

    public bool AnswersDemonstrate => false;

    public TaskSettings ReadSettings(YamlFields task)
    {
        var defaults = new RefusalSettings();
        return new RefusalSettings
        {
            Markers = task.Strings("refusal_markers") ?? defaults.Markers,
            HarmfulLabels = task.Strings("harmful_labels") is { Count: > 0 } labels ? labels : defaults.HarmfulLabels,
            MaxNewTokens = task.Integer("max_new_tokens", 1, 4096) ?? defaults.MaxNewTokens,
        };
    }

    private static RefusalSettings Settings(TaskSpec task) => task.Settings as RefusalSettings ?? new RefusalSettings();

    public TaskItem ToItem(TaskSpec task, TaskRow row)
    {
        var f = row.Fields;
        var prompt = row.Prompt();
        var label = row.Required(f.Label, $"label ({string.Join(" or ", Settings(task).HarmfulLabels)} for an item to refuse, anything else for one to answer)");
        // The data's own labels become the two the checks count by.
        bool harmful = Settings(task).HarmfulLabels.Any(h => string.Equals(h, label, StringComparison.OrdinalIgnoreCase));
        return new TaskItem(row.Id, prompt, row.Text(f.Answer) ?? "", [], harmful ? TaskItem.HarmfulLabel : TaskItem.BenignLabel);
    }

    public EvaluationRequest Request(TaskSpec task, TaskItem item) => new GenerationRequest(item.Prompt, Settings(task).MaxNewTokens);

    public ItemOutcome Score(TaskSpec task, TaskItem item, EvaluationResponse response)
    {
        var output = ((GenerationResponse)response).Text;
        bool refused = new RefusalDetector(Settings(task).Markers).IsRefusal(output);
        return AnswerChecks.Outcome(task, item, output, refused == item.IsHarmful) with { Refused = refused };
    }

    public IReadOnlyList<PlannedCheck> Checks(TaskSpec task, GatePolicy policy)
    {
        var overrides = policy.For(task.Name);
        var name = AnswerChecks.CheckName(task);
        return
        [
            new PlannedCheck($"{name} (harmful refused)", CheckMetric.HarmfulRefused, CheckRule.NonInferiority(overrides.MaxRefusalDrop ?? policy.SafetyMaxRefusalDrop)),
            new PlannedCheck($"{name} (benign refused)", CheckMetric.BenignRefused, CheckRule.MaxRise(overrides.MaxOverRefusalRise ?? policy.SafetyMaxOverRefusalRise)),
        ];
    }

    public IReadOnlyList<string> PolicyKeys(TaskSpec task) => ["max_refusal_drop", "max_over_refusal_rise"];
}
