namespace Gatekeeper.Tasks;

/// <summary>What a task asks of a model for one item; a runner that holds the model answers it.</summary>
public abstract record EvaluationRequest;

/// <summary>The log-likelihood of each continuation after the context (multiple choice).</summary>
public sealed record ChoiceRequest(string Context, IReadOnlyList<string> Continuations) : EvaluationRequest;

/// <summary>
/// Greedy decoding after the prompt, up to <paramref name="MaxNewTokens"/> tokens or the end of the
/// turn; decoding may also stop once the text holds one of <see cref="Stop"/> (the kind cuts the
/// text there, so what follows is never scored).
/// </summary>
public sealed record GenerationRequest(string Prompt, int MaxNewTokens) : EvaluationRequest
{
    public IReadOnlyList<string> Stop { get; init; } = [];

    /// <summary>The token limit of a task that names none (<c>max_new_tokens</c>).</summary>
    public const int DefaultMaxNewTokens = 48;
}

/// <summary>The log-likelihood of a whole passage, token by token from its start (perplexity).</summary>
public sealed record TextRequest(string Text) : EvaluationRequest;

/// <summary>Both models' next-token distributions along a passage, compared (drift).</summary>
public sealed record ComparisonRequest(string Text) : EvaluationRequest;

/// <summary>A runner's answer to an <see cref="EvaluationRequest"/>.</summary>
public abstract record EvaluationResponse;

/// <summary>One log-likelihood per continuation, in the request's order.</summary>
public sealed record ChoiceResponse(IReadOnlyList<double> LogLikelihoods) : EvaluationResponse;

/// <summary>The passage's summed log-likelihood in nats, and the tokens it was summed over.</summary>
public sealed record TextResponse(double LogLikelihood, int Tokens) : EvaluationResponse;

/// <summary>The text generated.</summary>
public sealed record GenerationResponse(string Text) : EvaluationResponse;

/// <summary>The candidate's mean KL divergence from the base along the passage, in nats per token.</summary>
public sealed record ComparisonResponse(double Kl) : EvaluationResponse;
