using Gatekeeper.Battery;

namespace Gatekeeper.Tasks;

/// <summary>What the kinds that read passages of general text (drift, perplexity) share: an item is a row's text.</summary>
public static class Passages
{
    public static TaskItem Item(TaskRow row) => new(row.Id, row.Required(row.Fields.Text, "text"), "", [], null);
}
