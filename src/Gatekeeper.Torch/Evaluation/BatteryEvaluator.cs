using Gatekeeper.Battery;
using Gatekeeper.Specs;
using Gatekeeper.Tasks;
using Gatekeeper.Torch.Checkpoints;
using Gatekeeper.Torch.Inference;
using Gatekeeper.Torch.Tokenization;

namespace Gatekeeper.Torch.Evaluation;

/// <summary>
/// Runs a checkpoint over the battery and returns per-item outcomes. Each task's kind says what to
/// ask for an item and scores the answer; this class only answers the requests: choices and
/// passages by log-likelihood, answers by greedy decoding. Kinds that compare both models (drift) are measured
/// by <see cref="DriftMeter"/> instead.
/// </summary>
public static class BatteryEvaluator
{
    public static BatteryResult Evaluate(Checkpoint checkpoint, string label, IReadOnlyList<(TaskSpec Task, IReadOnlyList<TaskItem> Items)> battery,
        IProgress<EvaluationProgress>? progress = null, CancellationToken cancellation = default)
    {
        var outcomes = new List<ItemOutcome>();
        int total = battery.Sum(b => b.Items.Count), done = 0;
        var clock = System.Diagnostics.Stopwatch.StartNew();
        foreach (var (task, items) in battery)
        {
            if (task.Kind is IComparingTaskKind)
                throw new ArgumentException($"Task '{task.Name}' is a {task.Kind.Name} task, which needs both models; use DriftMeter.");
            var tokenizer = PromptFormats.Apply(checkpoint.Tokenizer, task.PromptFormat, checkpoint.Directory);
            var generator = new GreedyGenerator(checkpoint.Model, tokenizer);
            var scorer = new ChoiceScorer(checkpoint.Model, tokenizer);
            var texts = new TextScorer(checkpoint.Model, tokenizer);
            for (int i = 0; i < items.Count; i++)
            {
                cancellation.ThrowIfCancellationRequested();
                var response = Answer(task.Kind.Request(task, items[i]), generator, scorer, texts);
                outcomes.Add(task.Kind.Score(task, items[i], response));
                done++;
                if ((i + 1) % 25 == 0 || i + 1 == items.Count)
                    progress?.Report(new EvaluationProgress(label, task.Name, i + 1, items.Count, done, total, clock.Elapsed));
            }
        }
        return new BatteryResult(checkpoint.Manifest.ContentSha256, outcomes);
    }

    private static EvaluationResponse Answer(EvaluationRequest request, GreedyGenerator generator, ChoiceScorer scorer, TextScorer texts) => request switch
    {
        TextRequest text => Passage(texts, text.Text),
        ChoiceRequest choice => new ChoiceResponse(scorer.LogLikelihoods(choice.Context, choice.Continuations)),
        GenerationRequest generation => new GenerationResponse(generator.Answer(generation.Prompt, generation.MaxNewTokens)),
        _ => throw new ArgumentException($"A single model cannot answer a {request.GetType().Name}."),
    };

    private static TextResponse Passage(TextScorer scorer, string text)
    {
        var (logLikelihood, tokens) = scorer.LogLikelihood(text);
        return new TextResponse(logLikelihood, tokens);
    }
}
