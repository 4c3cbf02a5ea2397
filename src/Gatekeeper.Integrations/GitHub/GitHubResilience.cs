using System.Net;
using Octokit;
using Polly;
using Polly.Retry;

namespace Gatekeeper.Integrations.GitHub;

/// <summary>
/// The one resilience pipeline for the GitHub service: 5xx answers, dropped connections, secondary
/// rate limits and an exhausted rate limit that resets soon are retried, waiting what GitHub asks
/// (<c>Retry-After</c>, the limit's reset) or backing off with jitter; anything else (401, 403, 404,
/// 422) is an answer, not a fault. Time is injected, so tests never sleep.
/// </summary>
public static class GitHubResilience
{
    public const string Name = "github";

    public sealed record Options
    {
        public int MaxRetries { get; init; } = 4;
        public TimeSpan FirstDelay { get; init; } = TimeSpan.FromSeconds(1);

        /// <summary>The longest wait GitHub may ask for; a limit that resets later fails at once.</summary>
        public TimeSpan LongestWait { get; init; } = TimeSpan.FromMinutes(2);
    }

    public static ResiliencePipeline Pipeline(TimeProvider time, Options? options = null)
    {
        options ??= new Options();
        return new ResiliencePipelineBuilder { Name = Name, TimeProvider = time }
            .AddRetry(new RetryStrategyOptions
            {
                MaxRetryAttempts = options.MaxRetries,
                BackoffType = DelayBackoffType.Exponential,
                UseJitter = true,
                Delay = options.FirstDelay,
                ShouldHandle = args => ValueTask.FromResult(args.Outcome.Exception is { } e && IsTransient(e, time, options.LongestWait)),
                DelayGenerator = args => ValueTask.FromResult(args.Outcome.Exception is { } e ? Wait(e, time, options.LongestWait) : null),
            })
            .Build();
    }

    public static bool IsTransient(Exception exception, TimeProvider time, TimeSpan longest) => exception switch
    {
        SecondaryRateLimitExceededException => true,
        RateLimitExceededException limit => limit.Reset - time.GetUtcNow() <= longest,
        ApiException api => (int)api.StatusCode >= 500,
        HttpRequestException or TaskCanceledException { InnerException: TimeoutException } => true,
        _ => false,
    };

    /// <summary>What GitHub asked to wait (Retry-After, or until a rate limit resets), capped; null: the backoff's own delay.</summary>
    public static TimeSpan? Wait(Exception exception, TimeProvider time, TimeSpan longest)
    {
        TimeSpan? wait = null;
        if (exception is ApiException { HttpResponse.Headers: { } headers }
            && headers.FirstOrDefault(h => h.Key.Equals("Retry-After", StringComparison.OrdinalIgnoreCase)).Value is { } retryAfter
            && int.TryParse(retryAfter, System.Globalization.NumberStyles.Integer, System.Globalization.CultureInfo.InvariantCulture, out var seconds))
            wait = TimeSpan.FromSeconds(seconds);
        else if (exception is SecondaryRateLimitExceededException)
            wait = TimeSpan.FromMinutes(1);   // GitHub's advice when it names no time
        else if (exception is RateLimitExceededException limit)
            wait = limit.Reset - time.GetUtcNow();
        if (wait is not { } w) return null;
        return w < TimeSpan.Zero ? TimeSpan.Zero : w > longest ? longest : w;
    }

    /// <summary>A failure in words, with what to do about 401, 403 and 404.</summary>
    public static string Explain(Exception exception, string what) => exception switch
    {
        AuthorizationException => $"GitHub refused the token for {what} (401): set GITHUB_TOKEN (in a workflow: env: GITHUB_TOKEN: ${{{{ secrets.GITHUB_TOKEN }}}}).",
        SecondaryRateLimitExceededException or RateLimitExceededException => $"GitHub's rate limit stopped {what}, and it did not lift in time: {exception.Message}",
        ForbiddenException => $"GitHub did not let the token do {what} (403: {exception.Message}); give the workflow 'permissions: pull-requests: write' for comments and 'checks: write' for checks.",
        NotFoundException => $"GitHub found nothing for {what} (404): the repository, pull request or commit is not there, or the token cannot see it.",
        ApiException api => $"GitHub answered {(int)api.StatusCode} to {what}: {api.Message}",
        _ => $"GitHub could not be reached for {what}: {exception.Message}",
    };
}
