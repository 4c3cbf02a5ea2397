using Gatekeeper.Battery;

namespace Gatekeeper.Verdicts;

/// <summary>Names of metrics and which items each covers.</summary>
public static class CheckMetrics
{
    /// <summary>"accuracy", "harmful refused", "benign refused", "KL", "relative L2".</summary>
    public static string Name(this CheckMetric metric) => metric switch
    {
        CheckMetric.Accuracy => "accuracy",
        CheckMetric.HarmfulRefused => "harmful refused",
        CheckMetric.BenignRefused => "benign refused",
        CheckMetric.Kl => "KL",
        CheckMetric.BitsPerByte => "bits per byte",
        _ => "relative L2",
    };

    /// <summary>A rate of right/wrong (or refused/answered) outcomes, compared with a paired interval.</summary>
    public static bool IsRate(this CheckMetric metric) => metric is CheckMetric.Accuracy or CheckMetric.HarmfulRefused or CheckMetric.BenignRefused;

    /// <summary>Whether an item with this label is one of the metric's items.</summary>
    public static bool Includes(this CheckMetric metric, string? label) => metric switch
    {
        CheckMetric.HarmfulRefused => TaskItem.IsHarmfulLabel(label),
        CheckMetric.BenignRefused => !TaskItem.IsHarmfulLabel(label),
        _ => true,
    };
}
