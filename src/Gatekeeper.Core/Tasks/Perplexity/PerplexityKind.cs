using System.Globalization;
using Gatekeeper.Battery;
using Gatekeeper.Specs;
using Gatekeeper.Verdicts;

namespace Gatekeeper.Tasks.Perplexity;

/// <summary>
/// <c>perplexity</c>: how well each model predicts passages of general text, as a continuous
/// check. An item's score is its bits per byte, −log₂ p(text) / UTF-8 bytes, which, unlike
/// perplexity per token, compares models with different tokenizers; the output also gives the mean
/// negative log-likelihood per token. The check bounds the candidate's rise over the base
/// (<c>perplexity.max_rise</c>, per task <c>max_rise</c>). Rows need the text.
/// </summary>
public sealed class PerplexityKind : ITaskKind
{
    public string Name => "perplexity";

    public IReadOnlyList<string> Keys => [];

    public bool ScoresAnswers => false;

    public bool AnswersDemonstrate => false;

    public TaskSettings ReadSettings(YamlFields task) => TaskSettings.None;

    public TaskItem ToItem(TaskSpec task, TaskRow row) => Passages.Item(row);

    public EvaluationRequest Request(TaskSpec task, TaskItem item) => new TextRequest(item.Prompt);

    public ItemOutcome Score(TaskSpec task, TaskItem item, EvaluationResponse response)
    {
        var text = (TextResponse)response;
        int bytes = Math.Max(1, System.Text.Encoding.UTF8.GetByteCount(item.Prompt));
        double bitsPerByte = -text.LogLikelihood / Math.Log(2) / bytes;
        double perToken = text.Tokens > 0 ? -text.LogLikelihood / text.Tokens : 0;
        return new ItemOutcome
        {
            Task = task.Name, ItemId = item.Id, Prompt = item.Prompt, Expected = "", Correct = true, Score = bitsPerByte,
            Output = string.Create(CultureInfo.InvariantCulture, $"{bitsPerByte:F4} bits per byte, {perToken:F4} nats per token over {text.Tokens} tokens"),
        };
    }

    /// <summary>Bits per byte of the passage, each model on its own; lower is better.</summary>
    public static CheckMetric BitsPerByte { get; } = new("bits per byte");

    public static PolicyKey MaxRise { get; } = new("perplexity", "max_rise", 0.05, 0, 100, "largest rise in mean bits per byte allowed");

    public IReadOnlyList<CheckMetric> Metrics { get; } = [BitsPerByte];

    public IReadOnlyList<PolicyKey> Policy { get; } = [MaxRise];

    public IReadOnlyList<PlannedCheck> Checks(TaskSpec task, GatePolicy policy) =>
        [new PlannedCheck($"{AnswerChecks.CheckName(task)} (bits per byte)", BitsPerByte, CheckRule.MaxRise(policy.Margin(task.Name, MaxRise)))];

    public IReadOnlyList<PolicyKey> PolicyKeys(TaskSpec task) => Policy;
}
