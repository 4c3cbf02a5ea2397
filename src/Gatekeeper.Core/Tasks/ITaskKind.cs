using Gatekeeper.Battery;
using Gatekeeper.Specs;
using Gatekeeper.Verdicts;

namespace Gatekeeper.Tasks;

/// <summary>
/// One kind of battery task, everything about it in one place: the spec keys it reads, what its
/// data rows must hold, what it asks a model for each item, how it scores the answer, and the checks
/// (and policy keys) it makes. A kind knows nothing of models: it asks through
/// <see cref="EvaluationRequest"/>s that a runner answers. Kinds are listed in <see cref="TaskKind.All"/>.
/// </summary>
public interface ITaskKind
{
    /// <summary>The name a spec's <c>kind:</c> gives: <c>multiple_choice</c>, <c>generate</c>, ...</summary>
    string Name { get; }

    /// <summary>The task keys this kind reads beyond those every task has.</summary>
    IReadOnlyList<string> Keys { get; }

    /// <summary>Whether outcomes are right or wrong answers to a task, as backward transfer compares.</summary>
    bool ScoresAnswers { get; }

    /// <summary>Whether an item's prompt followed by its answer is a solved example, as few-shot prompts show.</summary>
    bool AnswersDemonstrate { get; }

    /// <summary>Reads <see cref="Keys"/> from the task's mapping; problems go to its list.</summary>
    TaskSettings ReadSettings(YamlFields task);

    /// <summary>The item a data row gives, or bad input naming the row and what it lacks.</summary>
    TaskItem ToItem(TaskSpec task, TaskRow row);

    /// <summary>What the model (or, for a comparing kind, both models) is asked for this item.</summary>
    EvaluationRequest Request(TaskSpec task, TaskItem item);

    /// <summary>The outcome of one model's answer; for a comparing kind, the candidate's.</summary>
    ItemOutcome Score(TaskSpec task, TaskItem item, EvaluationResponse response);

    /// <summary>The metrics its checks measure.</summary>
    IReadOnlyList<CheckMetric> Metrics { get; }

    /// <summary>Every policy key its checks may read, with its section, bounds and default.</summary>
    IReadOnlyList<PolicyKey> Policy { get; }

    /// <summary>The checks the task makes under the policy, each with its rule.</summary>
    IReadOnlyList<PlannedCheck> Checks(TaskSpec task, GatePolicy policy);

    /// <summary>The policy keys this task's checks read: those <c>policy.tasks.&lt;name&gt;</c> may set for it.</summary>
    IReadOnlyList<PolicyKey> PolicyKeys(TaskSpec task);
}

/// <summary>What every kind's scoring shares.</summary>
public static class TaskScoring
{
    /// <summary>The kind's outcome for the item, carrying the item's cluster for the statistics.</summary>
    public static ItemOutcome Outcome(TaskSpec task, TaskItem item, EvaluationResponse response) =>
        task.Kind.Score(task, item, response) with { Cluster = item.Cluster };
}

/// <summary>
/// A kind whose items are scored on both models at once (drift): its <see cref="ITaskKind.Score"/>
/// gives the candidate's outcome, and the base's follows from it.
/// </summary>
public interface IComparingTaskKind : ITaskKind
{
    ItemOutcome BaseOutcome(ItemOutcome candidate);
}
