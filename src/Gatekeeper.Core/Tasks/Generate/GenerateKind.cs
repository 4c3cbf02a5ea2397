using Gatekeeper.Battery;
using Gatekeeper.Specs;
using Gatekeeper.Verdicts;

namespace Gatekeeper.Tasks.Generate;

/// <summary>
/// <c>generate</c>: greedy decoding after the prompt, cut at the task's stop sequences, the answer
/// extracted from it and compared with the item's by the task's matcher. Rows need the prompt and
/// the answer (which the json and regex matchers may do without).
/// </summary>
public sealed class GenerateKind : ITaskKind
{
    public string Name => "generate";

    public IReadOnlyList<string> Keys => ["matcher", "pattern", "tolerance", "extract", "answer_extract", "extract_pattern", "json_field", "stop", "max_new_tokens"];

    public bool ScoresAnswers => true;

    public bool AnswersDemonstrate => true;

    public TaskSettings ReadSettings(YamlFields task)
    {
        var defaults = new GenerateSettings();
        var pattern = ValidRegex(task, "pattern");
        var extractPattern = ValidRegex(task, "extract_pattern");
        var settings = new GenerateSettings
        {
            Matcher = task.Choice<MatcherKind>("matcher") ?? defaults.Matcher,
            Pattern = pattern,
            Tolerance = task.Number("tolerance", 0) ?? defaults.Tolerance,
            Extract = task.Choice<ExtractorKind>("extract") ?? defaults.Extract,
            AnswerExtract = task.Choice<ExtractorKind>("answer_extract") ?? defaults.AnswerExtract,
            ExtractPattern = extractPattern,
            JsonField = task.String("json_field"),
            Stop = task.Strings("stop") is { } stop ? [.. stop.Where(s => s.Length > 0)] : defaults.Stop,
            MaxNewTokens = task.Integer("max_new_tokens", 1, 4096) ?? defaults.MaxNewTokens,
        };
        foreach (var (key, extractor) in new[] { ("extract", settings.Extract), ("answer_extract", settings.AnswerExtract) })
        {
            if (extractor == ExtractorKind.Regex && extractPattern is null && task.Node("extract_pattern") is null)
                task.Problem(task.Node(key), $"{task.Where}: {key} regex needs 'extract_pattern', a regular expression whose first group is the answer.");
            if (extractor == ExtractorKind.JsonField && settings.JsonField is null && task.Node("json_field") is null)
                task.Problem(task.Node(key), $"{task.Where}: {key} json_field needs 'json_field', the name of the field that holds the answer.");
        }
        if (task.Node("tolerance") is { } tolerance && settings.Matcher != MatcherKind.Numeric)
            task.Problem(tolerance, $"{task.Where}: 'tolerance' applies only to matcher numeric.");
        return settings;
    }

    private static string? ValidRegex(YamlFields task, string key)
    {
        var pattern = task.String(key);
        if (pattern is null) return null;
        try
        {
            _ = new System.Text.RegularExpressions.Regex(pattern);
            return pattern;
        }
        catch (ArgumentException e)
        {
            task.Problem(task.Node(key), $"{task.Where}: '{key}' is not a valid regular expression: {e.Message}");
            return null;
        }
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

    public EvaluationRequest Request(TaskSpec task, TaskItem item) =>
        new GenerationRequest(item.Prompt, Settings(task).MaxNewTokens) { Stop = Settings(task).Stop };

    public ItemOutcome Score(TaskSpec task, TaskItem item, EvaluationResponse response)
    {
        var settings = Settings(task);
        var output = Cut(((GenerationResponse)response).Text, settings.Stop);
        var answer = AnswerExtractor.Extract(settings.Extract, output, settings.ExtractPattern, settings.JsonField);
        var expected = AnswerExtractor.Extract(settings.AnswerExtract, item.Answer, settings.ExtractPattern, settings.JsonField);
        bool correct = answer is not null && expected is not null && AnswerMatcher.Matches(settings.Matcher, answer, expected, settings.Pattern, settings.Tolerance);
        return AnswerChecks.Outcome(task, item, output, correct);
    }

    /// <summary>The text before the first stop sequence; greedy decoding would have produced the same tokens had it stopped there.</summary>
    private static string Cut(string text, IReadOnlyList<string> stops)
    {
        int end = text.Length;
        foreach (var stop in stops)
        {
            int at = text.IndexOf(stop, StringComparison.Ordinal);
            if (at >= 0 && at < end) end = at;
        }
        return text[..end];
    }

    public IReadOnlyList<PlannedCheck> Checks(TaskSpec task, GatePolicy policy) => AnswerChecks.Accuracy(task, policy);

    public IReadOnlyList<CheckMetric> Metrics => AnswerChecks.Metrics;

    public IReadOnlyList<PolicyKey> Policy => AnswerChecks.Policy;

    public IReadOnlyList<PolicyKey> PolicyKeys(TaskSpec task) => AnswerChecks.PolicyKeys(task);
}
