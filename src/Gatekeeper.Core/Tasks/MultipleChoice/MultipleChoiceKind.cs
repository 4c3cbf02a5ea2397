using Gatekeeper.Battery;
using Gatekeeper.Specs;
using Gatekeeper.Verdicts;

namespace Gatekeeper.Tasks.MultipleChoice;

/// <summary>
/// <c>multiple_choice</c>: the model's log-likelihood of each choice after the prompt (optionally per
/// character, as lm-evaluation-harness's <c>acc_norm</c>); the item is right when the likeliest
/// choice is the answer. Rows need the prompt, at least two choices (a list
/// field, or one field per choice) and the answer: a choice's label, a zero-based index or a choice's
/// text, or one flag per choice marking the right one.
/// </summary>
public sealed class MultipleChoiceKind : ITaskKind
{
    public string Name => "multiple_choice";

    public IReadOnlyList<string> Keys => ["normalize"];

    public bool ScoresAnswers => true;

    public bool AnswersDemonstrate => true;

    public TaskSettings ReadSettings(YamlFields task) =>
        new MultipleChoiceSettings { Normalize = task.Choice<ChoiceNormalization>("normalize") ?? new MultipleChoiceSettings().Normalize };

    public TaskItem ToItem(TaskSpec task, TaskRow row)
    {
        var f = row.Fields;
        var prompt = row.Prompt();
        var choices = f.ChoiceFields is { } columns ? columns.Select(c => row.Required(c, "choice")).ToList() : row.List(f.Choices);
        var choicesName = f.ChoiceFields is { } named ? string.Join(", ", named) : f.Choices;
        if (choices.Count < 2) throw row.Problem($"multiple-choice items need at least two choices in '{choicesName}'.");
        return new TaskItem(row.Id, prompt, Answer(row, choices), choices, row.Text(f.Label));
    }

    /// <summary>
    /// The right choice's text: from the flags when the task maps them, else the answer field as a
    /// choice's label (when the choices have labels), a zero-based index, or a choice's text, in that order.
    /// </summary>
    private static string Answer(TaskRow row, IReadOnlyList<string> choices)
    {
        var f = row.Fields;
        if (f.ChoiceFlags is { } flagsField)
        {
            var flags = row.List(flagsField);
            if (flags.Count != choices.Count) throw row.Problem($"'{flagsField}' has {flags.Count} flags for {choices.Count} choices; give one per choice.");
            var right = Enumerable.Range(0, flags.Count).Where(i => flags[i] is "1" or "true").ToList();
            if (right.Count != 1) throw row.Problem($"'{flagsField}' marks {right.Count} choices right; exactly one must be 1.");
            return choices[right[0]];
        }
        var answer = row.Required(f.Answer, "answer");
        var labels = f.ChoiceFields ?? (f.ChoiceLabels is { } labelsField ? row.List(labelsField) : null);
        if (labels is not null && labels.Count == choices.Count && labels.ToList().IndexOf(answer) is >= 0 and var labelled) return choices[labelled];
        if (int.TryParse(answer, out int index) && index >= 0 && index < choices.Count) return choices[index];
        if (choices.Contains(answer)) return answer;
        throw row.Problem($"'{f.Answer}' is '{answer}', which is not one of the choices, {(labels is null ? "" : "their labels, ")}or a zero-based index into them.");
    }

    public EvaluationRequest Request(TaskSpec task, TaskItem item) => new ChoiceRequest(item.Prompt, item.Choices);

    public ItemOutcome Score(TaskSpec task, TaskItem item, EvaluationResponse response)
    {
        var scores = ((ChoiceResponse)response).LogLikelihoods;
        bool perCharacter = (task.Settings as MultipleChoiceSettings)?.Normalize == ChoiceNormalization.Characters;
        double Score(int i) => perCharacter ? scores[i] / Math.Max(1, item.Choices[i].Length) : scores[i];
        int best = 0;
        for (int i = 1; i < scores.Count; i++)
        {
            if (Score(i) > Score(best)) best = i;   // the first of equals, as an argmax
        }
        var chosen = item.Choices[best];
        return AnswerChecks.Outcome(task, item, chosen, chosen == item.Answer);
    }

    public IReadOnlyList<PlannedCheck> Checks(TaskSpec task, GatePolicy policy) => AnswerChecks.Accuracy(task, policy);

    public IReadOnlyList<CheckMetric> Metrics => AnswerChecks.Metrics;

    public IReadOnlyList<PolicyKey> Policy => AnswerChecks.Policy;

    public IReadOnlyList<PolicyKey> PolicyKeys(TaskSpec task) => AnswerChecks.PolicyKeys(task);
}
