namespace Gatekeeper.Specs;

/// <summary>What a task guards: capabilities that must not be forgotten, safety behaviour, or the fine-tuning target.</summary>
public enum TaskCategory
{
    General,
    Safety,
    Target,
}
