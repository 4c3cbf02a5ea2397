using Gatekeeper.Battery;
using Gatekeeper.Specs;
using Gatekeeper.Verdicts;

namespace Gatekeeper.Tasks.Generate;

/// <summary>
/// <c>generate</c>: greedy decoding after the prompt, compared with the answer by the task's matcher.
/// Rows need the prompt and the answer (which the json and regex matchers may do without).
/// </summary>
public sealed class GenerateKind : ITaskKind
{
    public string Name => "generate";

    public IReadOnlyList<string> Keys => ["matcher", "pattern", "max_new_tokens"];

    public bool ScoresAnswers => true;

    public TaskSettings ReadSettings(YamlFields task)
    {
        var defaults = new GenerateSettings();
        var pattern = task.String("pattern");
        if (pattern is not null)
        {
            try
            {
                _ = new System.Text.RegularExpressions.Regex(pattern);
            }
            catch (ArgumentException e)
            {
                task.Problem(task.Node("pattern"), $"{task.Where}: 'pattern' is not a valid regular expression: {e.Message}");
            }
        }
        return new GenerateSettings
        {
            Matcher = task.Choice<MatcherKind>("matcher") ?? defaults.Matcher,
            Pattern = pattern,
            MaxNewTokens = task.Integer("max_new_tokens", 1, 4096) ?? defaults.MaxNewTokens,
        };
    }

    private static GenerateSettings Settings(TaskSpec task) => task.Settings as GenerateSettings ?? new GenerateSettings();

    public TaskItem ToItem(TaskSpec task, TaskRow row)
    {
        var f = row.Fields;
        var prompt = row.Prompt();
        var answer = row.Text(f.Answer) ?? "";
        if (answer.Length == 0 && Settings(task).Matcher is not (MatcherKind.Json or MatcherKind.Regex)) throw row.Missing(f.Answer, "answer");
        return new TaskItem(row.Id, prompt, answer, [], row.Text(f.Label));
    }

    public EvaluationRequest Request(TaskSpec task, TaskItem item) => new GenerationRequest(item.Prompt, Settings(task).MaxNewTokens);

    public ItemOutcome Score(TaskSpec task, TaskItem item, EvaluationResponse response)
    {
        var output = ((GenerationResponse)response).Text;
        var settings = Settings(task);
        return AnswerChecks.Outcome(task, item, output, AnswerMatcher.Matches(settings.Matcher, output, item.Answer, settings.Pattern));
    }

    public IReadOnlyList<PlannedCheck> Checks(TaskSpec task, GatePolicy policy) => AnswerChecks.Accuracy(task, policy);

    public IReadOnlyList<string> PolicyKeys(TaskSpec task) => AnswerChecks.PolicyKeys(task);
}
