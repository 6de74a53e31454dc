using HsmKmip.Core.Audit;
using HsmKmip.Core.Store;
using Microsoft.Extensions.Logging;

namespace HsmKmip.Server.Audit;

/// <summary>
/// At start, before the listener opens: every audit intent still in the store whose record the audit files do not hold
/// (kill -9 between the store's commit and the file's write, or a power cut before the file's background fdatasync) is
/// appended as a recovered record, chained and checkpointed like any other, with status "Committed" (or "Reverted" when
/// the item put its change back) and reason "ResponseNotKnown": the change is durable, whether its client heard of it is
/// not known. Then every listed intent is released (a later write group deletes it). Running twice appends nothing twice:
/// a recovered line carries its intent id like a live one.
/// </summary>
internal static partial class AuditRecovery
{
    /// <summary>Returns how many records were appended.</summary>
    public static async Task<int> RunAsync(IAuditIntentStore store, AuditFileSink sink, string folder, ILogger logger, CancellationToken cancellationToken)
    {
        var pending = store.PendingIntents();
        if (pending.Count == 0) return 0;
        var missing = pending.ToDictionary(i => i.Id, StringComparer.Ordinal);
        // Newest file first: a pending intent is at most one background-sync delay old, so its line (when written) is
        // almost always in the newest file; older files are read only while some intent is still unaccounted for.
        foreach (var file in AuditFiles.List(folder).Reverse())
        {
            foreach (var id in IntentsIn(file)) missing.Remove(id);
            if (missing.Count == 0) break;
        }
        var appended = missing.Values.OrderBy(i => i.Time).Select(i => sink.AppendAsync(i.ToRecord(), durable: true, cancellationToken).AsTask()).ToArray();
        await Task.WhenAll(appended).ConfigureAwait(false);
        store.ReleaseIntents(pending.Select(i => i.Id).ToArray());
        if (appended.Length > 0) LogRecovered(logger, appended.Length, pending.Count);
        return appended.Length;
    }

    /// <summary>The intent ids of the file's whole, untampered lines (a torn tail is no record).</summary>
    private static IEnumerable<string> IntentsIn(string file)
    {
        foreach (var line in File.ReadLines(file))
        {
            var bytes = System.Text.Encoding.UTF8.GetBytes(line);
            if (AuditLine.IntentOf(bytes) is not { } id) continue;
            if (AuditLine.Hashes(bytes) is not { } h || h.Claimed != h.Actual) continue;
            yield return id;
        }
    }

    [LoggerMessage(6040, LogLevel.Warning, "Recovered {Count} audit records from the store's intents ({Pending} pending): their changes were committed before a crash and their lines missing from the audit file")]
    private static partial void LogRecovered(ILogger logger, int count, int pending);
}
