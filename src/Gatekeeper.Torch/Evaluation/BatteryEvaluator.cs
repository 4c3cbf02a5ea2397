using Gatekeeper.Battery;
using Gatekeeper.Scoring;
using Gatekeeper.Specs;
using Gatekeeper.Torch.Checkpoints;
using Gatekeeper.Torch.Inference;
using Gatekeeper.Torch.Tokenization;

namespace Gatekeeper.Torch.Evaluation;

/// <summary>
/// Runs a checkpoint over the battery and returns per-item outcomes: choices by log-likelihood,
/// answers by greedy decoding, scored by the task's matcher or refusal detector. Drift tasks need
/// both models at once and are measured by <see cref="DriftMeter"/> instead.
/// </summary>
public static class BatteryEvaluator
{
    public static BatteryResult Evaluate(Checkpoint checkpoint, string label, IReadOnlyList<(TaskSpec Task, IReadOnlyList<TaskItem> Items)> battery,
        IProgress<EvaluationProgress>? progress = null, CancellationToken cancellation = default)
    {
        var outcomes = new List<ItemOutcome>();
        int total = battery.Sum(b => b.Items.Count), done = 0;
        foreach (var (task, items) in battery)
        {
            var refusals = new RefusalDetector(task.RefusalMarkers);
            var tokenizer = PromptFormats.Apply(checkpoint.Tokenizer, task.PromptFormat, checkpoint.Directory);
            var generator = new GreedyGenerator(checkpoint.Model, tokenizer);
            var scorer = new ChoiceScorer(checkpoint.Model, tokenizer);
            for (int i = 0; i < items.Count; i++)
            {
                cancellation.ThrowIfCancellationRequested();
                outcomes.Add(Score(task, items[i], generator, scorer, refusals));
                done++;
                if ((i + 1) % 25 == 0 || i + 1 == items.Count)
                    progress?.Report(new EvaluationProgress(label, task.Name, i + 1, items.Count, done, total));
            }
        }
        return new BatteryResult(checkpoint.Manifest.ContentSha256, outcomes);
    }

    private static ItemOutcome Score(TaskSpec task, TaskItem item, GreedyGenerator generator, ChoiceScorer scorer, RefusalDetector refusals)
    {
        switch (task.Kind)
        {
            case TaskKind.Drift:
                throw new ArgumentException($"Task '{task.Name}' measures drift, which needs both models; use DriftMeter.");
            case TaskKind.MultipleChoice:
            {
                var scores = scorer.LogLikelihoods(item.Prompt, item.Choices);
                int best = Array.IndexOf(scores, scores.Max());
                var chosen = item.Choices[best];
                return Outcome(task, item, chosen, chosen == item.Answer);
            }
            case TaskKind.Refusal:
            {
                var output = generator.Answer(item.Prompt, task.MaxNewTokens);
                bool refused = refusals.IsRefusal(output);
                return Outcome(task, item, output, refused == item.IsHarmful) with { Refused = refused };
            }
            default:
            {
                var output = generator.Answer(item.Prompt, task.MaxNewTokens);
                return Outcome(task, item, output, AnswerMatcher.Matches(task.Matcher, output, item.Answer, task.Pattern));
            }
        }
    }

    private static ItemOutcome Outcome(TaskSpec task, TaskItem item, string output, bool correct) => new()
    {
        Task = task.Name, ItemId = item.Id, Prompt = item.Prompt, Expected = item.Answer, Output = output,
        Correct = correct, Label = item.Label,
    };
}
