using System.Collections.Concurrent;
using HsmKmip.Core.Store;

namespace HsmKmip.Store.LiteDb;

/// <summary>
/// Recently read records by Unique Identifier, so that a Get of a hot key does not pay for LiteDB's read path (a read
/// snapshot per query, the collection page and its index expressions decoded again, the document mapped: ~15 % of a
/// Get's server CPU, docs/performance.md). Only the store's writer changes records, and it drops every identifier it
/// wrote from here after the commit and before it answers the write, so a caller that was told its write is done never
/// reads the version before it.
/// <para>
/// A reader fills the cache only if no write group finished while it read: it notes <see cref="Epoch"/> before its
/// LiteDB read and adds under the lock only if the epoch is unchanged (the writer bumps it under the same lock, after
/// its invalidation). Without that a reader holding the old document could put it back after the writer dropped it.
/// </para>
/// <para>
/// Bounded by two generations: entries go to the young one; when it is full it becomes the old one and the previous old
/// one is dropped, so at most twice <c>capacity</c> records are held and a hot record is read from the file again at
/// most once per generation. Records hold wrapped blobs only (never plaintext), like the file they came from;
/// <see cref="StoredObject"/> is immutable by contract, so one instance is handed to every reader.
/// </para>
/// </summary>
internal sealed class RecordCache(int capacity)
{
    private readonly Lock _gate = new();
    private ConcurrentDictionary<string, StoredObject> _young = new(StringComparer.Ordinal);
    private ConcurrentDictionary<string, StoredObject> _old = new(StringComparer.Ordinal);
    private long _epoch;

    /// <summary>Whether the cache keeps anything (capacity 0 turns it off).</summary>
    public bool Enabled => capacity > 0;

    /// <summary>Changes every time the writer finishes a group; a read that started at another epoch is not cached.</summary>
    public long Epoch => Volatile.Read(ref _epoch);

    /// <summary>Records served from memory since the store opened.</summary>
    public long Hits => Interlocked.Read(ref _hits);

    /// <summary>Look-ups that had to read the file.</summary>
    public long Misses => Interlocked.Read(ref _misses);

    private long _hits;
    private long _misses;

    /// <summary>The cached record, or null.</summary>
    public StoredObject? Find(string uniqueIdentifier)
    {
        if (!Enabled) return null;
        if (_young.TryGetValue(uniqueIdentifier, out var found) || _old.TryGetValue(uniqueIdentifier, out found))
        {
            Interlocked.Increment(ref _hits);
            StoreMetrics.CacheLookup(hit: true);
            return found;
        }
        Interlocked.Increment(ref _misses);
        StoreMetrics.CacheLookup(hit: false);
        return null;
    }

    /// <summary>Keeps <paramref name="record"/>, read from the file at <paramref name="epoch"/>, unless a write group finished since.</summary>
    public void Add(StoredObject record, long epoch)
    {
        if (!Enabled) return;
        lock (_gate)
        {
            if (_epoch != epoch) return;
            if (_young.Count >= capacity)
            {
                _old = _young;
                _young = new ConcurrentDictionary<string, StoredObject>(StringComparer.Ordinal);
            }
            _young[record.UniqueIdentifier] = record;
        }
    }

    /// <summary>Drops the records a write group changed (called by the writer after its commit, before it answers).</summary>
    public void Invalidate(IEnumerable<string> uniqueIdentifiers)
    {
        if (!Enabled) return;
        lock (_gate)
        {
            foreach (var id in uniqueIdentifiers)
            {
                _young.TryRemove(id, out _);
                _old.TryRemove(id, out _);
            }
            _epoch++;
        }
    }
}
