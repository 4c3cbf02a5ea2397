using Gatekeeper.Battery;
using Gatekeeper.Specs;
using Gatekeeper.Tasks;
using Gatekeeper.Torch.Checkpoints;
using Gatekeeper.Torch.Inference;
using Gatekeeper.Torch.Tokenization;

namespace Gatekeeper.Torch.Evaluation;

/// <summary>
/// Runs a checkpoint over the battery and returns per-item outcomes. Each task's kind says what to
/// ask for an item and scores the answer; this class only answers the requests, a task's requests
/// of one sort together so they are batched: choices and passages by log-likelihood, answers by
/// greedy decoding. Kinds that compare both models (drift) are measured by <see cref="DriftMeter"/> instead.
/// </summary>
public static class BatteryEvaluator
{
    public static BatteryResult Evaluate(Checkpoint checkpoint, string label, IReadOnlyList<(TaskSpec Task, IReadOnlyList<TaskItem> Items)> battery,
        IProgress<EvaluationProgress>? progress = null, CancellationToken cancellation = default, InferenceBudget? budget = null)
    {
        var outcomes = new List<ItemOutcome>();
        int total = battery.Sum(b => b.Items.Count), done = 0;
        var clock = System.Diagnostics.Stopwatch.StartNew();
        foreach (var (task, items) in battery)
        {
            if (task.Kind is IComparingTaskKind)
                throw new ArgumentException($"Task '{task.Name}' is a {task.Kind.Name} task, which needs both models; use DriftMeter.");
            var tokenizer = PromptFormats.Apply(checkpoint.Tokenizer, task.PromptFormat, checkpoint.Directory);
            int taskDone = 0, reported = 0;
            void Answered(int count)
            {
                (taskDone, done) = (taskDone + count, done + count);
                if (taskDone - reported < 25 && taskDone < items.Count) return;
                reported = taskDone;
                progress?.Report(new EvaluationProgress(label, task.Name, taskDone, items.Count, done, total, clock.Elapsed));
            }
            var requests = items.Select(item => task.Kind.Request(task, item)).ToList();
            var responses = Answer(checkpoint, tokenizer, requests, budget ?? InferenceBudget.Default, Answered, cancellation);
            outcomes.AddRange(items.Select((item, i) => TaskScoring.Outcome(task, item, responses[i])));
        }
        return new BatteryResult(checkpoint.Manifest.ContentSha256, outcomes);
    }

    /// <summary>Every request's response, in the requests' order; those of one sort are answered together.</summary>
    private static EvaluationResponse[] Answer(Checkpoint checkpoint, ITokenizer tokenizer, IReadOnlyList<EvaluationRequest> requests, InferenceBudget budget,
        Action<int> answered, CancellationToken cancellation)
    {
        var responses = new EvaluationResponse[requests.Count];
        void Fill<TRequest, TAnswer>(Func<IReadOnlyList<TRequest>, TAnswer[]> answer, Func<TAnswer, EvaluationResponse> response) where TRequest : EvaluationRequest
        {
            var indices = Enumerable.Range(0, requests.Count).Where(i => requests[i] is TRequest).ToList();
            if (indices.Count == 0) return;
            var answers = answer([.. indices.Select(i => (TRequest)requests[i])]);
            for (int j = 0; j < indices.Count; j++) responses[indices[j]] = response(answers[j]);
        }
        var model = checkpoint.Model;
        Fill<ChoiceRequest, double[]>(
            choices => new ChoiceScorer(model, tokenizer, budget).LogLikelihoods([.. choices.Select(c => (c.Context, c.Continuations))], answered, cancellation),
            scores => new ChoiceResponse(scores));
        Fill<TextRequest, (double LogLikelihood, int Tokens)>(
            texts => new TextScorer(model, tokenizer, budget).LogLikelihoods([.. texts.Select(t => t.Text)], answered, cancellation),
            scored => new TextResponse(scored.LogLikelihood, scored.Tokens));
        Fill<GenerationRequest, string>(
            generations => new GreedyGenerator(model, tokenizer, budget).Answers(generations, answered, cancellation),
            text => new GenerationResponse(text));
        var unanswered = requests.FirstOrDefault(r => r is not (ChoiceRequest or TextRequest or GenerationRequest));
        if (unanswered is not null) throw new ArgumentException($"A single model cannot answer a {unanswered.GetType().Name}.");
        return responses;
    }
}
