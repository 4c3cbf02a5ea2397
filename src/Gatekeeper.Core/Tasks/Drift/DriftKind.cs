using Gatekeeper.Battery;
using Gatekeeper.Specs;
using Gatekeeper.Verdicts;

namespace Gatekeeper.Tasks.Drift;

/// <summary>
/// <c>drift</c>: what accuracy hides. On passages of general text, the KL divergence of the
/// candidate's next-token distribution from the base's, averaged per passage, against a ceiling.
/// Scored on both models at once; the base's own score is 0. Rows need the text.
/// </summary>
public sealed class DriftKind : IComparingTaskKind
{
    public string Name => "drift";

    public IReadOnlyList<string> Keys => [];

    public bool ScoresAnswers => false;

    public bool AnswersDemonstrate => false;

    public TaskSettings ReadSettings(YamlFields task) => TaskSettings.None;

    public TaskItem ToItem(TaskSpec task, TaskRow row) => Passages.Item(row);

    public EvaluationRequest Request(TaskSpec task, TaskItem item) => new ComparisonRequest(item.Prompt);

    /// <summary>The candidate's outcome; the base's is the same with score 0 (<see cref="BaseOutcome"/>).</summary>
    public ItemOutcome Score(TaskSpec task, TaskItem item, EvaluationResponse response) => new()
    {
        Task = task.Name, ItemId = item.Id, Prompt = item.Prompt, Expected = "", Output = "", Correct = true, Score = ((ComparisonResponse)response).Kl,
    };

    /// <summary>The base compared with itself: no divergence.</summary>
    public ItemOutcome BaseOutcome(ItemOutcome candidate) => candidate with { Score = 0 };

    /// <summary>Mean KL divergence of the candidate's next-token distribution from the base's, per item.</summary>
    public static CheckMetric Kl { get; } = new("KL");

    public static PolicyKey MaxKl { get; } = new("drift", "max_kl", 0.1, 0, 100, "largest mean KL divergence (nats per token) of the candidate from the base");

    public IReadOnlyList<CheckMetric> Metrics { get; } = [Kl];

    public IReadOnlyList<PolicyKey> Policy { get; } = [MaxKl];

    public IReadOnlyList<PlannedCheck> Checks(TaskSpec task, GatePolicy policy) =>
        [new PlannedCheck($"{AnswerChecks.CheckName(task)} (KL)", Kl, CheckRule.MaxRise(policy.Margin(task.Name, MaxKl)))];

    public IReadOnlyList<PolicyKey> PolicyKeys(TaskSpec task) => Policy;
}
