using Gatekeeper.Tasks;

namespace Gatekeeper.Specs;

/// <summary>
/// How a task's items group into clusters that share a source (one fact in several phrasings, one
/// request in several wordings), so their comparison counts the evidence they really carry: by a
/// field of the row (<c>cluster_field</c>, a dotted path like any field mapping) or by the item's
/// id up to the last <c>cluster_id_separator</c> (<c>facts/capital/France/0</c> with <c>/</c> is
/// <c>facts/capital/France</c>). A task without one treats every item as its own cluster.
/// </summary>
public sealed record ClusterSpec
{
    public string? Field { get; init; }

    public string? IdSeparator { get; init; }

    /// <summary>The cluster of the item read from <paramref name="row"/> with id <paramref name="id"/>.</summary>
    public string Of(TaskRow row, string id)
    {
        if (Field is { } field) return row.Text(field) ?? throw row.Missing(field, "the item's cluster (cluster_field)");
        int at = id.LastIndexOf(IdSeparator!, StringComparison.Ordinal);
        return at > 0 ? id[..at] : id;
    }
}
