using System.Diagnostics;
using HsmKmip.Core.Keys;
using Net.Pkcs11Interop.HighLevelAPI;

namespace HsmKmip.Hsm.Pkcs11;

/// <summary>
/// Unwrapped token handles of hot keys, keyed by (object, store version, KEK, PKCS#11 key kind), least recently used first out, each
/// kept at most a lifetime after its unwrap. An entry in use is never destroyed under its user: eviction marks it,
/// and the last user hands it to <see cref="TakeRetired"/> for destruction. Thread-safe; holds no PKCS#11 session.
/// </summary>
internal sealed class KeyHandleCache(int capacity, TimeSpan lifetime)
{
    private readonly Lock _lock = new();
    private readonly Dictionary<(string ObjectId, long Version, string KekId, SecretKeyKind Kind), LinkedListNode<Entry>> _entries = [];
    private readonly LinkedList<Entry> _recency = new();
    private readonly List<IObjectHandle> _retired = [];

    /// <summary>One cached handle: its key, when it was unwrapped, how many operations use it now, whether it is gone from the cache.</summary>
    internal sealed class Entry((string, long, string, SecretKeyKind) key, IObjectHandle handle, long born)
    {
        public (string ObjectId, long Version, string KekId, SecretKeyKind Kind) Key { get; } = key;

        public IObjectHandle Handle { get; } = handle;

        public long Born { get; } = born;

        public int Users { get; set; }

        public bool Evicted { get; set; }
    }

    public bool Enabled => capacity > 0;

    public int Count
    {
        get
        {
            lock (_lock) return _entries.Count;
        }
    }

    /// <summary>Hits and misses since start (for tests and status).</summary>
    public long Hits { get; private set; }

    public long Misses { get; private set; }

    /// <summary>The live entry for the key, now in use by the caller (release it), or null.</summary>
    public Entry? Acquire((string, long, string, SecretKeyKind) key)
    {
        lock (_lock)
        {
            if (_entries.TryGetValue(key, out var node))
            {
                if (Stopwatch.GetElapsedTime(node.Value.Born) <= lifetime)
                {
                    node.Value.Users++;
                    _recency.Remove(node);
                    _recency.AddFirst(node);
                    Hits++;
                    Pkcs11Metrics.Cache(hit: true);
                    return node.Value;
                }
                RemoveLocked(node);
            }
            Misses++;
            Pkcs11Metrics.Cache(hit: false);
            return null;
        }
    }

    /// <summary>Adds a fresh handle, in use by the caller; null when another thread cached the same key first (the caller keeps and destroys its own).</summary>
    public Entry? Add((string, long, string, SecretKeyKind) key, IObjectHandle handle)
    {
        lock (_lock)
        {
            if (_entries.ContainsKey(key)) return null;
            var entry = new Entry(key, handle, Stopwatch.GetTimestamp()) { Users = 1 };
            _entries[key] = _recency.AddFirst(entry);
            while (_entries.Count > capacity && _recency.Last is { } oldest) RemoveLocked(oldest);
            return entry;
        }
    }

    public void Release(Entry entry)
    {
        lock (_lock)
        {
            entry.Users--;
            if (entry.Users == 0 && entry.Evicted) _retired.Add(entry.Handle);
        }
    }

    /// <summary>Evicts every version of one object.</summary>
    public void Evict(string objectId)
    {
        lock (_lock)
        {
            if (_entries.Count == 0) return;
            foreach (var node in _entries.Values.Where(n => n.Value.Key.ObjectId == objectId).ToArray()) RemoveLocked(node);
        }
    }

    /// <summary>Evicts everything (KEK rotation, recovery).</summary>
    public void EvictAll()
    {
        lock (_lock)
        {
            foreach (var node in _entries.Values.ToArray()) RemoveLocked(node);
        }
    }

    /// <summary>Forgets everything without destroying: the session that held the objects is closed (full repair).</summary>
    public void Forget()
    {
        lock (_lock)
        {
            _entries.Clear();
            _recency.Clear();
            _retired.Clear();
        }
    }

    /// <summary>Handles evicted and no longer in use, for the caller to destroy in the token.</summary>
    public IObjectHandle[] TakeRetired()
    {
        lock (_lock)
        {
            if (_retired.Count == 0) return [];
            var taken = _retired.ToArray();
            _retired.Clear();
            return taken;
        }
    }

    private void RemoveLocked(LinkedListNode<Entry> node)
    {
        _entries.Remove(node.Value.Key);
        _recency.Remove(node);
        node.Value.Evicted = true;
        if (node.Value.Users == 0) _retired.Add(node.Value.Handle);
    }
}
