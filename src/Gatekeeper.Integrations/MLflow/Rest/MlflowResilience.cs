using System.Net;
using Polly;
using Polly.Retry;
using Polly.Timeout;

namespace Gatekeeper.Integrations.MLflow.Rest;

/// <summary>
/// The one resilience pipeline for the MLflow service: transient failures only (a connection that
/// failed or timed out, 429, 5xx) are retried, with exponential backoff and jitter, the server's
/// <c>Retry-After</c> honoured, and each attempt bounded by its own timeout. Time is injected, so
/// tests never sleep. Anything else (a 400 for a bad value, a 401, a 403) is an answer, not a fault.
/// </summary>
public static class MlflowResilience
{
    public const string Name = "mlflow";

    public sealed record Options
    {
        public int MaxRetries { get; init; } = 4;
        public TimeSpan FirstDelay { get; init; } = TimeSpan.FromSeconds(1);
        public TimeSpan AttemptTimeout { get; init; } = TimeSpan.FromSeconds(30);

        /// <summary>The longest a server's Retry-After is waited for; longer asks are capped.</summary>
        public TimeSpan LongestRetryAfter { get; init; } = TimeSpan.FromMinutes(2);
    }

    public static ResiliencePipeline<HttpResponseMessage> Pipeline(TimeProvider time, Options? options = null)
    {
        options ??= new Options();
        var builder = new ResiliencePipelineBuilder<HttpResponseMessage> { Name = Name, TimeProvider = time };
        builder.AddRetry(new RetryStrategyOptions<HttpResponseMessage>
        {
            MaxRetryAttempts = options.MaxRetries,
            BackoffType = DelayBackoffType.Exponential,
            UseJitter = true,
            Delay = options.FirstDelay,
            ShouldHandle = args => ValueTask.FromResult(IsTransient(args.Outcome)),
            DelayGenerator = args => ValueTask.FromResult(RetryAfter(args.Outcome.Result, time, options.LongestRetryAfter)),
            OnRetry = args =>
            {
                args.Outcome.Result?.Dispose();   // the failed answer is not read again
                return ValueTask.CompletedTask;
            },
        });
        builder.AddTimeout(options.AttemptTimeout);
        return builder.Build();
    }

    /// <summary>Connection failures, attempt timeouts, 408, 429 and 5xx.</summary>
    public static bool IsTransient(Outcome<HttpResponseMessage> outcome) => outcome switch
    {
        { Exception: HttpRequestException or TimeoutRejectedException } => true,
        { Exception: TaskCanceledException } => false,   // the caller's cancellation is not retried
        { Result: { } response } => response.StatusCode is HttpStatusCode.TooManyRequests or HttpStatusCode.RequestTimeout || (int)response.StatusCode >= 500,
        _ => false,
    };

    /// <summary>The server's Retry-After (seconds or a date), capped; null: the backoff's own delay.</summary>
    public static TimeSpan? RetryAfter(HttpResponseMessage? response, TimeProvider time, TimeSpan longest)
    {
        var header = response?.Headers.RetryAfter;
        TimeSpan? wait = header?.Delta ?? (header?.Date is { } date ? date - time.GetUtcNow() : null);
        if (wait is not { } w) return null;
        return w < TimeSpan.Zero ? TimeSpan.Zero : w > longest ? longest : w;
    }
}
