namespace Gatekeeper.Torch.Training;

/// <summary>Linear warm-up to the peak, then cosine decay to a floor.</summary>
public static class LearningRateSchedule
{
    public static double At(int step, TrainingOptions options)
    {
        if (options.WarmupSteps > 0 && step < options.WarmupSteps)
            return options.LearningRate * (step + 1) / options.WarmupSteps;
        int decaySteps = Math.Max(1, options.Steps - options.WarmupSteps);
        double progress = Math.Clamp((double)(step - options.WarmupSteps) / decaySteps, 0, 1);
        double floor = options.FinalLearningRateFraction;
        return options.LearningRate * (floor + (1 - floor) * 0.5 * (1 + Math.Cos(Math.PI * progress)));
    }
}
