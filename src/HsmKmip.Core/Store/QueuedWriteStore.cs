namespace HsmKmip.Core.Store;

/// <summary>What a queued write does.</summary>
public enum WriteKind
{
    Insert,
    Update,
    /// <summary>Back to <see cref="PendingWrite.Prior"/>, or deleted when it is null (Undo).</summary>
    Revert,
    /// <summary>Several inserts that succeed or fail together (<see cref="PendingWrite.Companions"/> after the first).</summary>
    InsertAll,
    /// <summary>No object: the store's meta record is rewritten, a durable write that proves the store commits (<see cref="IStoreWriteProbe"/>).</summary>
    Probe,
}

/// <summary>One write waiting for its store's writer: the group it joins is applied in one transaction and made durable once.</summary>
public sealed class PendingWrite(WriteKind kind, StoredObject obj, CancellationToken cancellationToken)
{
    public WriteKind Kind { get; } = kind;

    public StoredObject Object { get; } = obj;

    /// <summary>For <see cref="WriteKind.InsertAll"/>: the objects inserted with <see cref="Object"/>.</summary>
    public IReadOnlyList<StoredObject> Companions { get; init; } = [];

    /// <summary>For <see cref="WriteKind.Revert"/>: the version to put back; null deletes the object.</summary>
    public StoredObject? Prior { get; init; }

    public CancellationToken CancellationToken { get; } = cancellationToken;

    /// <summary>Completed by the writer once the group is durable (or failed).</summary>
    public TaskCompletionSource<StoredObject> Done { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);

    public StoredObject? Result { get; set; }

    /// <summary>A refusal (exists, missing, conflict) found while applying; the rest of the group goes on.</summary>
    public ObjectStoreException? Error { get; set; }

    /// <summary>The audit scope of the batch item that made the write (null outside a mutating item), captured when it is queued.</summary>
    public Audit.AuditIntent? Intent { get; init; } = kind == WriteKind.Probe ? null : Audit.AuditIntent.Current;

    /// <summary>The write dropped a wrapped secret (crypto-shredding).</summary>
    public bool Shredded { get; set; }
}

/// <summary>
/// The mutating half of <see cref="IObjectStore"/> for stores with group commit: every write becomes a
/// <see cref="PendingWrite"/> handed to the store's writer, which answers it once its group is durable.
/// </summary>
public abstract class QueuedWriteStore : IStoreWriteProbe
{
    /// <summary>The placeholder a <see cref="WriteKind.Probe"/> write carries; no store keeps it.</summary>
    private static readonly StoredObject ProbeObject = new()
    {
        UniqueIdentifier = "hsmkmip-write-probe",
        ObjectType = 0,
        State = 0,
        Owner = "",
        InitialDate = DateTimeOffset.UnixEpoch,
        LastChangeDate = DateTimeOffset.UnixEpoch,
    };

    private StoreWriteOutcome? _lastWrite;

    /// <inheritdoc />
    public StoreWriteOutcome? LastWrite => Volatile.Read(ref _lastWrite);

    /// <inheritdoc />
    public async ValueTask ProbeWriteAsync(CancellationToken cancellationToken) =>
        await Enqueue(new PendingWrite(WriteKind.Probe, ProbeObject, cancellationToken)).ConfigureAwait(false);

    /// <summary>
    /// The writer calls this after each group: null when it committed, the reason when the store itself failed (disk,
    /// connection, read-only). A refusal of one write (exists, conflict, a value too large) is not a store failure.
    /// </summary>
    protected void RecordWrite(string? failure) => Volatile.Write(ref _lastWrite, new StoreWriteOutcome(Environment.TickCount64, failure));

    /// <inheritdoc cref="IObjectStore.InsertAsync"/>
    public ValueTask<StoredObject> InsertAsync(StoredObject obj, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(obj);
        return Enqueue(new PendingWrite(WriteKind.Insert, obj, cancellationToken));
    }

    /// <inheritdoc cref="IObjectStore.InsertAllAsync"/>
    public async ValueTask<IReadOnlyList<StoredObject>> InsertAllAsync(IReadOnlyList<StoredObject> objects, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(objects);
        if (objects.Count == 0) return [];
        await Enqueue(new PendingWrite(WriteKind.InsertAll, objects[0], cancellationToken) { Companions = objects.Skip(1).ToArray() }).ConfigureAwait(false);
        return objects.Select(o => o with { Version = 1 }).ToArray();
    }

    /// <inheritdoc cref="IObjectStore.UpdateAsync"/>
    public ValueTask<StoredObject> UpdateAsync(StoredObject obj, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(obj);
        return Enqueue(new PendingWrite(WriteKind.Update, obj, cancellationToken));
    }

    /// <inheritdoc cref="IObjectStore.RevertAsync"/>
    public async ValueTask RevertAsync(StoredObject current, StoredObject? prior, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(current);
        if (prior is not null && prior.UniqueIdentifier != current.UniqueIdentifier) throw new ArgumentException("The prior version is of another object.", nameof(prior));
        await Enqueue(new PendingWrite(WriteKind.Revert, current, cancellationToken) { Prior = prior }).ConfigureAwait(false);
    }

    /// <summary>Queues the write (or throws <see cref="ObjectDisposedException"/> once the store is closed); completes when it is durable.</summary>
    protected abstract ValueTask<StoredObject> Enqueue(PendingWrite write);
}
