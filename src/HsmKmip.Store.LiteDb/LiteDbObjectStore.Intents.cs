using System.Collections.Concurrent;
using HsmKmip.Core.Audit;
using HsmKmip.Core.Lifecycle;
using HsmKmip.Core.Store;
using HsmKmip.Protocol.Vocabulary;
using LiteDB;

namespace HsmKmip.Store.LiteDb;

// Audit intents (issue 14, "same group commit"; docs/audit-and-metrics.md, Durability): a write made inside a mutating
// batch item's AuditIntent also upserts one small document into the "audit_intents" collection, in the transaction of
// its group, so the group's ≤ 2 fdatasyncs make the item's audit fact durable with its change: no fsync of its own, a
// few hundred bytes more in pages the group writes anyway. The document holds what the audit record holds (identifiers
// and names; never a blob, a key or an attribute value: Destroy's crypto-shred is untouched). Once the audit file is
// fdatasynced past an item's line, the sink releases its intent and a later group deletes it (riding along; an idle
// store keeps it until the next write or start, where recovery finds the line and deletes it). A new collection needs
// no schema step: older code never reads it, and a store without it simply has no intents.
public sealed partial class LiteDbObjectStore : IAuditIntentStore
{
    internal const string IntentsCollection = "audit_intents";

    // Releases per group, so one group after a long idle spell does not grow without bound.
    private const int MaxReleasesPerGroup = 4096;

    private readonly ConcurrentQueue<string> _released = new();
    private volatile bool _intentsEnabled;

    /// <inheritdoc />
    public void EnableIntents() => _intentsEnabled = true;

    /// <summary>Intent documents in the store now (tests, and the recovery's log line).</summary>
    public int IntentCount => Read(() => _db.GetCollection(IntentsCollection).Count());

    /// <inheritdoc />
    public IReadOnlyList<StoredAuditIntent> PendingIntents() =>
        Read(() => _db.GetCollection(IntentsCollection).FindAll().Select(ToIntent).OrderBy(i => i.Time).ToArray());

    /// <inheritdoc />
    public void ReleaseIntents(IReadOnlyCollection<string> ids)
    {
        ArgumentNullException.ThrowIfNull(ids);
        if (Volatile.Read(ref _disposed) != 0) return;
        foreach (var id in ids) _released.Enqueue(id);
    }

    /// <summary>Inside the group's transaction: deletes intents the audit file has made durable.</summary>
    private void DeleteReleased()
    {
        if (_released.IsEmpty) return;
        var intents = _db.GetCollection(IntentsCollection);
        for (int i = 0; i < MaxReleasesPerGroup && _released.TryDequeue(out var id); i++) intents.Delete(id);
    }

    /// <summary>
    /// Inside the group's transaction, after its writes were applied: upserts the intent of every item that changed
    /// something in this group. Returns what to tell each intent once the group is durable.
    /// </summary>
    private List<(AuditIntent Intent, IntentChanges Changes)>? WriteIntents(List<PendingWrite> batch)
    {
        if (!_intentsEnabled) return null;
        List<(AuditIntent, IntentChanges)>? result = null;
        foreach (var group in batch.Where(w => w.Intent is not null && w.Error is null).GroupBy(w => w.Intent!))
        {
            var changes = ChangesOf(group);
            var all = group.Key.With(changes);
            var intent = group.Key;
            var touched = intent.Touched.Freeze();
            _db.GetCollection(IntentsCollection).Upsert(new BsonDocument
            {
                ["_id"] = intent.Id,
                ["time"] = DateTime.UtcNow,
                ["client"] = intent.Client,
                ["fingerprint"] = intent.Fingerprint,
                ["remote"] = intent.Remote,
                ["operation"] = intent.Operation,
                ["request"] = intent.RequestId,
                ["item"] = intent.BatchItemId,
                ["created"] = Ids(all.Created),
                ["read"] = Ids(touched.Read.Except(all.Created)),
                ["changed"] = Ids(all.Changed.Except(all.Created).Except(all.Destroyed)),
                ["destroyed"] = Ids(all.Destroyed),
                ["reverted"] = Ids(all.Reverted),
            });
            (result ??= []).Add((intent, changes));
        }
        return result;
    }

    private static IntentChanges ChangesOf(IEnumerable<PendingWrite> writes)
    {
        List<string> created = [], changed = [], destroyed = [], reverted = [];
        foreach (var w in writes)
        {
            switch (w.Kind)
            {
                case WriteKind.Insert:
                    created.Add(w.Object.UniqueIdentifier);
                    break;
                case WriteKind.InsertAll:
                    created.AddRange(w.Companions.Prepend(w.Object).Select(o => o.UniqueIdentifier));
                    break;
                case WriteKind.Update when w.Shredded || KeyLifecycle.IsDestroyed((State)w.Object.State):
                    destroyed.Add(w.Object.UniqueIdentifier);
                    break;
                case WriteKind.Update:
                    changed.Add(w.Object.UniqueIdentifier);
                    break;
                case WriteKind.Revert:
                    // The item put its own change back (a later step failed): its recovered record must not read as a success.
                    reverted.Add(w.Object.UniqueIdentifier);
                    break;
            }
        }
        return new IntentChanges(created, changed, destroyed, reverted);
    }

    private static BsonArray Ids(IEnumerable<string> ids) => new(ids.Select(i => new BsonValue(i)));

    private static string[] Strings(BsonValue value) => value.IsArray ? value.AsArray.Select(v => v.AsString).ToArray() : [];

    private static StoredAuditIntent ToIntent(BsonDocument d) => new(
        d["_id"].AsString,
        new DateTimeOffset(DateTime.SpecifyKind(d["time"].AsDateTime.ToUniversalTime(), DateTimeKind.Utc)),
        d["client"].AsString,
        d["fingerprint"].AsString,
        d["remote"].AsString,
        d["operation"].AsString,
        d["request"].AsString,
        d["item"].AsString,
        new AuditTouches.Snapshot(Strings(d["created"]), Strings(d["read"]), Strings(d["changed"]), Strings(d["destroyed"])),
        Strings(d["reverted"]));
}
