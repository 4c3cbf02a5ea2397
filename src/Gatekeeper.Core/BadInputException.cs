namespace Gatekeeper;

/// <summary>
/// A user mistake: a malformed spec, data file or checkpoint. Every problem found is listed, each
/// with the file, the line where known, what is wrong and how to fix it. Maps to exit code 2.
/// </summary>
public sealed class BadInputException : Exception
{
    public BadInputException(IReadOnlyList<InputProblem> problems)
        : base(string.Join(Environment.NewLine, problems.Select(p => p.ToString())))
    {
        Problems = problems;
    }

    public BadInputException(string file, int? line, string problem)
        : this([new InputProblem(file, line, problem)])
    {
    }

    public IReadOnlyList<InputProblem> Problems { get; }
}
