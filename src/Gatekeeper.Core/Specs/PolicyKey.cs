namespace Gatekeeper.Specs;

/// <summary>
/// A margin a task kind's check reads from the gate's policy, declared in the kind's folder: set for
/// all tasks in its section (<c>policy.safety.max_refusal_drop</c>), for one task under
/// <c>policy.tasks.&lt;task&gt;.max_refusal_drop</c>, else its default; a key without a default
/// (an absolute floor) is a check only where it is set. The reader accepts exactly the keys the
/// kinds declare, each within its bounds.
/// </summary>
public sealed record PolicyKey(string Section, string Name, double? Default, double Min, double Max, string Meaning)
{
    /// <summary>Where it is set for all tasks: <c>safety.max_refusal_drop</c>.</summary>
    public string Path => $"{Section}.{Name}";
}
