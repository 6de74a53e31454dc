using System.Diagnostics;
using HsmKmip.Core.Store;
using LiteDB;

namespace HsmKmip.Store.LiteDb;

// Durability. LiteDB 5.0.20's Commit() hands the transaction's pages to a background queue and returns before
// they are written (DiskWriterQueue; it fsyncs only when the queue drains), so an acknowledged commit can die with
// the process. Checkpoint() is the only public call that waits for that queue: it then copies the committed pages
// into the data file, fsyncs it (FileStream.Flush(true)) and truncates the -log.db. So one write group is:
// one transaction → Commit → Checkpoint → answer every waiter. The checkpoint also empties the -log.db, which
// Destroy needs anyway. Its cost is paid once per group, not per write, so concurrent writers share it.
// LiteDB does not fsync that truncation, and it restarts transaction ids at 1 after every checkpoint: a stale log
// surviving a power cut could be replayed over newer pages. So the (now empty) log is fsynced too, through a
// handle of our own (fsync is per file on Linux, not per descriptor).
public sealed partial class LiteDbObjectStore
{
    private enum WriteKind
    {
        Insert,
        Update,
        /// <summary>Back to <see cref="PendingWrite.Prior"/>, or deleted when it is null (Undo).</summary>
        Revert,

        /// <summary>Several inserts that succeed or fail together (<see cref="PendingWrite.Companions"/> after the first).</summary>
        InsertAll,
    }

    private sealed class PendingWrite(WriteKind kind, StoredObject obj, CancellationToken cancellationToken)
    {
        public WriteKind Kind { get; } = kind;

        public StoredObject Object { get; } = obj;

        /// <summary>For <see cref="WriteKind.InsertAll"/>: the objects inserted with <see cref="Object"/>.</summary>
        public IReadOnlyList<StoredObject> Companions { get; init; } = [];

        public CancellationToken CancellationToken { get; } = cancellationToken;

        public TaskCompletionSource<StoredObject> Done { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);

        public StoredObject? Result { get; set; }

        /// <summary>For <see cref="WriteKind.Revert"/>: the version to put back; null deletes the object.</summary>
        public StoredObject? Prior { get; init; }

        public ObjectStoreException? Error { get; set; }

        public bool Shredded { get; set; }
    }

    private ValueTask<StoredObject> Enqueue(PendingWrite write)
    {
        if (write.CancellationToken.IsCancellationRequested) return ValueTask.FromCanceled<StoredObject>(write.CancellationToken);
        try
        {
            _queue.Add(write);
        }
        catch (Exception e) when (e is InvalidOperationException or ObjectDisposedException)
        {
            throw new ObjectDisposedException(nameof(LiteDbObjectStore), "The store is closed.");
        }
        return new ValueTask<StoredObject>(write.Done.Task);
    }

    /// <summary>The writer thread. LiteDB binds an explicit transaction to its thread, hence a thread and not a task.</summary>
    private void WriterLoop()
    {
        var batch = new List<PendingWrite>(_maxBatch);
        try
        {
            foreach (var first in _queue.GetConsumingEnumerable())
            {
                batch.Clear();
                batch.Add(first);
                while (batch.Count < _maxBatch && _queue.TryTake(out var more)) batch.Add(more);
                // A caller that gave up before its write was picked up gets no write; once picked up, it completes.
                batch.RemoveAll(w => w.CancellationToken.IsCancellationRequested && w.Done.TrySetCanceled(w.CancellationToken));
                if (batch.Count == 0) continue;
                lock (_writeGate)
                {
                    WriteGroup(batch);
                }
            }
        }
        finally
        {
            _writerDone.TrySetResult();
        }
    }

    private void WriteGroup(List<PendingWrite> batch)
    {
        var clock = Stopwatch.StartNew();
        var sequence = _lastSequence;
        try
        {
            _db.BeginTrans();
            foreach (var write in batch) Apply(write, ref sequence);
        }
        catch (Exception e)
        {
            Rollback();
            if (batch.Count > 1)
            {
                // One write broke the transaction (a LiteDB limit, a damaged page): isolate it.
                Log.BatchSplit(_logger, e, batch[0].Object.UniqueIdentifier);
                foreach (var write in batch) WriteGroup([write]);
                return;
            }
            Fail(batch, e);
            return;
        }

        try
        {
            _db.Commit();
            _db.Checkpoint();
            _logSync.Flush(flushToDisk: true);
        }
        catch (Exception e)
        {
            Rollback();
            Fail(batch, e);
            return;
        }

        _lastSequence = sequence;
        foreach (var write in batch)
        {
            if (write.Shredded) Log.Shredded(_logger, write.Object.UniqueIdentifier);
            if (write.Error is { } error) write.Done.TrySetException(error);
            else write.Done.TrySetResult(write.Result!);
        }
        StoreMetrics.Group(batch.Count, clock.Elapsed);
        Log.BatchWritten(_logger, batch.Count, clock.Elapsed.TotalMilliseconds);
    }

    /// <summary>Applies one write inside the open transaction. Refusals (exists, missing, conflict) change nothing.</summary>
    private void Apply(PendingWrite write, ref long sequence)
    {
        var obj = write.Object;
        if (write.Kind == WriteKind.InsertAll)
        {
            // Every identifier is checked before anything is inserted, so a refusal leaves the transaction untouched.
            var all = write.Companions.Prepend(obj).ToArray();
            var used = all.FirstOrDefault(o => _objects.FindById(o.UniqueIdentifier) is not null)
                ?? all.GroupBy(o => o.UniqueIdentifier).FirstOrDefault(g => g.Count() > 1)?.First();
            if (used is not null)
            {
                write.Error = new ObjectStoreException(ObjectStoreError.AlreadyExists, $"An object with identifier {used.UniqueIdentifier} exists; none of the {all.Length} objects was stored.");
                return;
            }
            foreach (var o in all) _objects.Insert(DocumentMapper.ToDocument(o with { Version = 1 }, ++sequence));
            write.Result = obj with { Version = 1 };
            return;
        }
        var existing = _objects.FindById(obj.UniqueIdentifier);
        if (write.Kind == WriteKind.Insert)
        {
            if (existing is not null)
            {
                write.Error = new ObjectStoreException(ObjectStoreError.AlreadyExists, $"An object with identifier {obj.UniqueIdentifier} exists.");
                return;
            }
            var inserted = obj with { Version = 1 };
            _objects.Insert(DocumentMapper.ToDocument(inserted, ++sequence));
            write.Result = inserted;
            return;
        }

        if (existing is null)
        {
            write.Error = new ObjectStoreException(ObjectStoreError.NotFound, $"No object has identifier {obj.UniqueIdentifier}.");
            return;
        }
        var stored = existing[DocumentMapper.Version].AsInt64;
        if (stored != obj.Version)
        {
            write.Error = new ObjectStoreException(
                ObjectStoreError.Conflict,
                $"Object {obj.UniqueIdentifier} changed meanwhile (version {stored}, the update was based on {obj.Version}).");
            return;
        }

        var target = write.Kind == WriteKind.Revert ? write.Prior : obj;
        var oldBlob = DocumentMapper.BlobOf(existing);
        if (oldBlob is not null && (target?.WrappedSecret is null || !oldBlob.AsSpan().SequenceEqual(target.WrappedSecret.Blob)))
        {
            // Crypto-shredding: overwrite the old blob with zeros where it lies (same size, so LiteDB rewrites the
            // same bytes in the same page) before the real update may move or shrink the document. The checkpoint
            // after this group then leaves no copy in the data file nor in the -log.db.
            _objects.Update(DocumentMapper.WithZeroedBlob(existing));
            write.Shredded = true;
        }
        if (write.Kind == WriteKind.Revert)
        {
            // Undo: the prior record exactly as it was (its version and insertion sequence too), or gone.
            if (target is null) _objects.Delete(obj.UniqueIdentifier);
            else _objects.Update(DocumentMapper.ToDocument(target, existing[DocumentMapper.Sequence].AsInt64));
            write.Result = target ?? obj;
            return;
        }
        var updated = obj with { Version = stored + 1 };
        _objects.Update(DocumentMapper.ToDocument(updated, existing[DocumentMapper.Sequence].AsInt64));
        write.Result = updated;
    }

    private void Rollback()
    {
        try
        {
            _db.Rollback();
        }
        catch (LiteException)
        {
            // Nothing to roll back, or the engine is gone: the waiters are told below either way.
        }
    }

    private void Fail(List<PendingWrite> batch, Exception e)
    {
        Log.BatchFailed(_logger, e, batch.Count, _path);
        var error = StoreFiles.Unavailable($"Writing to the store failed: {e.Message}", e);
        foreach (var write in batch) write.Done.TrySetException(error);
    }
}
