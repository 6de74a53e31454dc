using HsmKmip.Core.Store;

namespace HsmKmip.Operations;

/// <summary>
/// What a batch sent with Batch Error Continuation Option Undo (KMIP 1.4 §6.7) changed in the store: per object, the
/// record before the batch first touched it (null when the batch created it) and the record the batch left, plus which
/// batch items touched which objects. Undoing puts every prior record back exactly (version included) and deletes the
/// created ones, so nothing stored ends changed. Batch items run one at a time, but one item may write several objects.
/// </summary>
public sealed class BatchUndoLog
{
    private readonly Lock _gate = new();
    private readonly Dictionary<string, Change> _changes = new(StringComparer.Ordinal);
    private readonly List<string> _order = [];
    private readonly Dictionary<int, HashSet<string>> _byItem = [];

    /// <summary>One object's change: its record before the batch (null: created by it) and its record now.</summary>
    public sealed record Change(StoredObject? Prior, StoredObject Current);

    /// <summary>The index of the batch item now running; its writes are attributed to it.</summary>
    public int Item { get; set; }

    internal void Created(StoredObject inserted) => Record(inserted.UniqueIdentifier, null, inserted, created: true);

    internal void Updated(StoredObject prior, StoredObject updated) => Record(updated.UniqueIdentifier, prior, updated, created: false);

    private void Record(string uid, StoredObject? prior, StoredObject current, bool created)
    {
        lock (_gate)
        {
            if (_changes.TryGetValue(uid, out var first)) _changes[uid] = first with { Current = current };
            else
            {
                _changes[uid] = new Change(created ? null : prior, current);
                _order.Add(uid);
            }
            if (!_byItem.TryGetValue(Item, out var touched)) _byItem[Item] = touched = new HashSet<string>(StringComparer.Ordinal);
            touched.Add(uid);
        }
    }

    /// <summary>Every changed object, the most recently first touched first (the order to revert in).</summary>
    public IReadOnlyList<Change> NewestFirst()
    {
        lock (_gate) return _order.AsEnumerable().Reverse().Select(uid => _changes[uid]).ToArray();
    }

    /// <summary>The objects batch item <paramref name="item"/> changed.</summary>
    public IReadOnlyCollection<string> TouchedBy(int item)
    {
        lock (_gate) return _byItem.TryGetValue(item, out var touched) ? touched.ToArray() : [];
    }
}
