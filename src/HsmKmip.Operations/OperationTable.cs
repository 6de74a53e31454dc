using HsmKmip.Operations.Handlers;
using HsmKmip.Protocol.Vocabulary;

namespace HsmKmip.Operations;

/// <summary>An operation this server implements.</summary>
/// <param name="Operation">The KMIP operation.</param>
/// <param name="Mutates">True when it changes stored state (audited as a change; its success waits for a durable write).</param>
/// <param name="Handler">Its logic.</param>
public sealed record OperationEntry(Operation Operation, bool Mutates, IOperationHandler Handler);

/// <summary>
/// The one place that says which operations exist here. Query answers from it, so what Query claims is
/// exactly what the executor dispatches.
/// </summary>
public sealed class OperationTable
{
    private readonly Dictionary<Operation, OperationEntry> _entries;

    public OperationTable(IEnumerable<OperationEntry> entries) => _entries = entries.ToDictionary(e => e.Operation);

    /// <summary>The server's table: every implemented operation with its handler.</summary>
    public static OperationTable CreateDefault(ServerIdentity identity)
    {
        var entries = new List<OperationEntry>
        {
            new(Operation.DiscoverVersions, false, new DiscoverVersionsHandler()),
        };
        var table = new OperationTable(entries);
        table._entries[Operation.Query] = new OperationEntry(Operation.Query, false, new QueryHandler(table, identity));
        return table;
    }

    public bool TryGet(Operation operation, out OperationEntry entry) => _entries.TryGetValue(operation, out entry!);

    /// <summary>Implemented operations that exist in <paramref name="version"/>, in operation-code order.</summary>
    public IReadOnlyList<Operation> SupportedIn(KmipVersion version) =>
        _entries.Keys.Where(o => KmipEnumerations.IsDefinedIn(Tag.Operation, (uint)o, version)).Order().ToArray();
}
