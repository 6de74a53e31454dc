using HsmKmip.Core.Audit;

namespace HsmKmip.Core.Store;

/// <summary>
/// A store that writes a mutating item's <see cref="AuditIntent"/> in the same transaction as the item's writes (the
/// LiteDB store). PostgreSQL does not: its store is remote and the audit file local, so an intent there would not make
/// the local file's record durable; its mutating records keep the durable append.
/// </summary>
public interface IAuditIntentStore
{
    /// <summary>
    /// Starts writing intents. Called once an audit log is attached that releases them (<see cref="ReleaseIntents"/>) and
    /// recovery has run; before it (audit off, tools) writes carry no intent.
    /// </summary>
    void EnableIntents();

    /// <summary>The intents still in the store (read at start, before the listener opens).</summary>
    IReadOnlyList<StoredAuditIntent> PendingIntents();

    /// <summary>
    /// The audit file holds these intents' records on stable storage: they are deleted by a later write group (riding
    /// along, no group of their own). Safe to call from any thread, and after the store closed (then a no-op).
    /// </summary>
    void ReleaseIntents(IReadOnlyCollection<string> ids);
}
