using Gatekeeper.Battery;
using Gatekeeper.Specs;
using Gatekeeper.Verdicts;

namespace Gatekeeper.Tasks.MultipleChoice;

/// <summary>
/// <c>multiple_choice</c>: the model's log-likelihood of each choice after the prompt; the item is
/// right when the likeliest choice is the answer. Rows need the prompt, at least two choices and
/// the answer, as one of the choices or a zero-based index into them.
/// </summary>
public sealed class MultipleChoiceKind : ITaskKind
{
    public string Name => "multiple_choice";

    public IReadOnlyList<string> Keys => [];

    public bool ScoresAnswers => true;

    public TaskSettings ReadSettings(YamlFields task) => TaskSettings.None;

    public TaskItem ToItem(TaskSpec task, TaskRow row)
    {
        var f = row.Fields;
        var prompt = row.Prompt();
        var choices = row.List(f.Choices);
        if (choices.Count < 2) throw row.Problem($"multiple-choice items need at least two '{f.Choices}'.");
        var answer = row.Text(f.Answer) ?? "";
        if (int.TryParse(answer, out int index) && index >= 0 && index < choices.Count) answer = choices[index];
        if (!choices.Contains(answer)) throw row.Problem($"'{f.Answer}' must be one of the choices or a zero-based index into them.");
        return new TaskItem(row.Id, prompt, answer, choices, row.Text(f.Label));
    }

    public EvaluationRequest Request(TaskSpec task, TaskItem item) => new ChoiceRequest(item.Prompt, item.Choices);

    public ItemOutcome Score(TaskSpec task, TaskItem item, EvaluationResponse response)
    {
        var scores = ((ChoiceResponse)response).LogLikelihoods;
        int best = 0;
        for (int i = 1; i < scores.Count; i++)
        {
            if (scores[i] > scores[best]) best = i;   // the first of equals, as an argmax
        }
        var chosen = item.Choices[best];
        return AnswerChecks.Outcome(task, item, chosen, chosen == item.Answer);
    }

    public IReadOnlyList<PlannedCheck> Checks(TaskSpec task, GatePolicy policy) => AnswerChecks.Accuracy(task, policy);

    public IReadOnlyList<string> PolicyKeys(TaskSpec task) => AnswerChecks.PolicyKeys(task);
}
