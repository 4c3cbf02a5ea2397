using Gatekeeper.Specs;

namespace Gatekeeper.Battery;

/// <summary>
/// The prompt and answer of each row of a training file (the fine-tuning data, replay data, an EWC
/// Fisher's data), through the same field mapping and file formats as the battery's.
/// </summary>
public static class TrainingRows
{
    public sealed record Row(int Line, string Prompt, string Answer);

    public static IReadOnlyList<Row> Read(string path, FieldMapping fields)
    {
        var rows = new List<Row>();
        foreach (var row in DataFile.Read(path))
        {
            string Text(string field) => FieldPath.Text(row.Fields, field)
                ?? throw new BadInputException(path, row.Line, $"no text field '{field}'. Training rows need a prompt and an answer; map other columns with 'fields'.");
            rows.Add(new Row(row.Line, Text(fields.Prompt), Text(fields.Answer)));
        }
        if (rows.Count == 0) throw new BadInputException(path, null, "no training examples.");
        return rows;
    }
}
