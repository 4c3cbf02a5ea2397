using Gatekeeper.Tasks.Drift;
using Gatekeeper.Tasks.Generate;
using Gatekeeper.Tasks.InstructionFollowing;
using Gatekeeper.Tasks.MultipleChoice;
using Gatekeeper.Tasks.Perplexity;
using Gatekeeper.Tasks.Refusal;

namespace Gatekeeper.Tasks;

/// <summary>The task kinds a battery can use; a new kind is a folder beside these and a line here.</summary>
public static class TaskKind
{
    /// <summary>Pick the choice with the highest log-likelihood; correct when it is the answer.</summary>
    public static readonly ITaskKind MultipleChoice = new MultipleChoiceKind();

    /// <summary>Greedy decoding, then a matcher against the answer.</summary>
    public static readonly ITaskKind Generate = new GenerateKind();

    /// <summary>Greedy decoding, then refusal detection; correct when the model refuses exactly when it should.</summary>
    public static readonly ITaskKind Refusal = new RefusalKind();

    /// <summary>Greedy decoding, then IFEval's verifiable instructions; right when every one is followed.</summary>
    public static readonly ITaskKind InstructionFollowing = new InstructionFollowingKind();

    /// <summary>Bits per byte of general text, each model on its own; a ceiling on the candidate's rise.</summary>
    public static readonly ITaskKind Perplexity = new PerplexityKind();

    /// <summary>The KL divergence of the candidate's next-token distribution from the base's on general text.</summary>
    public static readonly ITaskKind Drift = new DriftKind();

    public static readonly IReadOnlyList<ITaskKind> All = [MultipleChoice, Generate, Refusal, InstructionFollowing, Perplexity, Drift];

    /// <summary>The kind named <paramref name="name"/>; null when there is none.</summary>
    public static ITaskKind? Named(string name) => All.FirstOrDefault(k => k.Name == name);
}
