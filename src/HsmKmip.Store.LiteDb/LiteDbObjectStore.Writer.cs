using System.Diagnostics;
using HsmKmip.Core.Store;
using LiteDB;

namespace HsmKmip.Store.LiteDb;

// Durability: at most two fdatasyncs per write group. LiteDB 5.0.20's Commit() hands the transaction's pages to a
// background queue (DiskWriterQueue) and returns before they are written; the queue fsynced the log every time it
// drained (~35 fsyncs per Create), and the old way to wait for it was a Checkpoint per group (copy to the data file,
// fsync it, truncate the log). LiteDB is now opened over streams of our own (PageFile, StoreEngine), so a group is:
//   one transaction → Commit → the queue writes the group's pages to the log; just before the transaction's
//   confirming page (the last one, flagged "confirmed") it fdatasyncs the pages before it (fsync 1, in
//   PageFile.BeforeConfirmingPage, skipped when the confirming page is the group's only page) → the writer waits
//   until the queue has written up to the log end LiteDB reports (PageFile.WaitWritten) → fdatasync of the log
//   (fsync 2: the confirming page) → answer every waiter.
// Fsync 1 closes the power-cut window: without it the disk could hold the confirming page but not an earlier page
// of the same transaction, and LiteDB's replay at open would apply a torn transaction as confirmed.
// On open LiteDB replays the confirmed transactions of the log, so an acknowledged group survives kill -9 and a power
// cut. The log is folded into the data file by a checkpoint once it passes CheckpointBytes, after the group that
// crossed it was answered: the checkpoint fdatasyncs the data file, truncates the log and fdatasyncs the truncation
// (LiteDB restarts transaction ids at 1 after a checkpoint: a stale log surviving a power cut could be replayed over
// newer pages). Writers that arrive meanwhile form the next group.
// Destroy (crypto-shredding): the blob is zeroed where it lies, and the group checkpoints before it answers, so the
// blob is in neither file when the Destroy is acknowledged: such a group costs 4 fdatasyncs (the log's two, so that
// the checkpoint copies a whole confirmed transaction; the data file; the emptied log).
// Audit in the same group commit (issue 14; LiteDbObjectStore.Intents.cs): a write made inside a mutating batch item
// also upserts the item's audit intent into the group's transaction, and the deletes of intents the audit file has
// since made durable ride along; the group's fdatasyncs cover them, so a Create with the audit log on costs the same
// ≤ 2 fdatasyncs per group as without it (the audit file is fdatasynced in the background, once per second at most).
// We chose this over a journal of our own in front of LiteDB: one file format and one replay (LiteDB's), no second
// copy of every blob to shred, and the same page writes as before; the price is one internal member read by
// reflection, checked at open (StoreEngine).
public sealed partial class LiteDbObjectStore
{
    protected override ValueTask<StoredObject> Enqueue(PendingWrite write)
    {
        if (write.CancellationToken.IsCancellationRequested) return ValueTask.FromCanceled<StoredObject>(write.CancellationToken);
        if (!_queue.TryAdd(write)) throw new ObjectDisposedException(nameof(LiteDbObjectStore), "The store is closed.");
        return new ValueTask<StoredObject>(write.Done.Task);
    }

    /// <summary>The writer thread. LiteDB binds an explicit transaction to its thread, hence a thread and not a task.</summary>
    private void WriterLoop()
    {
        var batch = new List<PendingWrite>(_maxBatch);
        try
        {
            while (true)
            {
                batch.Clear();
                // While Locate's counts are being built (LiteDbObjectStore.Counts.cs) the writer does not block: an
                // empty queue means time for a build batch.
                var building = CountBuildPending;
                if (!_queue.TakeBatch(batch, _maxBatch, wait: !building)) break;
                var idle = batch.Count == 0;
                // A caller that gave up before its write was picked up gets no write; once picked up, it completes.
                batch.RemoveAll(w => w.CancellationToken.IsCancellationRequested && w.Done.TrySetCanceled(w.CancellationToken));
                if (batch.Count == 0 && !building) continue;
                lock (_writeGate)
                {
                    if (batch.Count > 0) WriteGroup(batch);
                    if (building) CountBatchIfDue(idle);
                    CheckpointIfLarge();
                }
            }
        }
        finally
        {
            try
            {
                Close();
            }
            catch (Exception e)
            {
                // Rethrown to whoever disposes the store; an exception escaping this thread would end the process.
                _closeFailure = System.Runtime.ExceptionServices.ExceptionDispatchInfo.Capture(e);
            }
            _writerDone.TrySetResult();
        }
    }

    private void WriteGroup(List<PendingWrite> batch)
    {
        var clock = Stopwatch.StartNew();
        var sequence = _lastSequence;
        List<(Core.Audit.AuditIntent Intent, Core.Audit.IntentChanges Changes)>? intents;
        try
        {
            _db.BeginTrans();
            DeleteReleased();
            _countDeltas.Clear();
            foreach (var write in batch) Apply(write, ref sequence);
            intents = WriteIntents(batch);
            FlushCounts();
        }
        catch (DuplicateIdentifier duplicate)
        {
            // LiteDB rolled the whole transaction back as it threw (LiteEngine.AutoTransaction rolls back an explicit
            // transaction on any failure but a disk one): the group runs again without the refused insert, which
            // changed nothing, so its refusal costs the others one more pass over their writes and no fdatasync.
            Rollback();
            batch.Remove(duplicate.Write);
            duplicate.Write.Done.TrySetException(new ObjectStoreException(ObjectStoreError.AlreadyExists, $"An object with identifier {duplicate.Write.Object.UniqueIdentifier} exists."));
            if (batch.Count > 0) WriteGroup(batch);
            return;
        }
        catch (Exception e)
        {
            Rollback();
            // LiteDB rethrows the failure that closed it (an IOException) from every later call: the store cannot write.
            if (e is IOException or ObjectDisposedException) RecordWrite(e.Message);
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

        var shredded = batch.Any(w => w.Shredded);
        try
        {
            _db.Commit();
            _engine.Log.WaitWritten(_engine.LogEnd, QueueTimeout);
            _engine.Log.Sync();
            // A shred counts only once the zeroed page replaced the blob in the data file and the log is empty.
            if (shredded) _engine.Checkpoint();
        }
        catch (Exception e)
        {
            Rollback();
            Invalidate(batch);
            // The commit or its fdatasync failed: the store itself cannot write (disk full, file made read-only).
            // LiteDB 5.0.20 closes its engine when its disk queue fails to write a page and rethrows that failure from
            // every later call, reads included: the store is down until the daemon restarts and LiteDB replays its
            // log (the unconfirmed pages of this group are ignored). /readyz says so; reads fail as Unavailable.
            if (!_engineFailed) Log.EngineClosed(_logger, e, _path);
            _engineFailed = true;
            RecordWrite(e.Message);
            Fail(batch, e);
            return;
        }

        CountsCommitted();
        // Before any waiter hears of its write, no reader can be handed the record as it was before it.
        Invalidate(batch);
        _lastSequence = sequence;
        // Before any waiter is answered: the pipeline reads Stored to decide that the record needs no fdatasync.
        if (intents is not null) foreach (var (intent, changes) in intents) intent.Committed(changes);
        Interlocked.Increment(ref _groups);
        RecordWrite(null);
        foreach (var write in batch)
        {
            if (write.Shredded) Log.Shredded(_logger, write.Object.UniqueIdentifier);
            if (write.Error is { } error) write.Done.TrySetException(error);
            else write.Done.TrySetResult(write.Result!);
        }
        StoreMetrics.Group(batch.Count, clock.Elapsed);
        Log.BatchWritten(_logger, batch.Count, clock.Elapsed.TotalMilliseconds);
    }

    /// <summary>Folds a long log into the data file, after the group that grew it was answered.</summary>
    private void CheckpointIfLarge()
    {
        if (_engine.LogEnd < _checkpointBytes) return;
        try
        {
            _engine.Checkpoint();
        }
        catch (Exception e) when (e is IOException or LiteException)
        {
            // Nothing acknowledged depends on it (the log is durable); the next group tries again.
            Log.CheckpointFailed(_logger, e, _path);
        }
    }

    /// <summary>Called after each write is applied inside its group's transaction (tests make one throw there: a write that fails mid-group).</summary>
    internal Action<PendingWrite>? AfterApply { get; set; }

    private void Apply(PendingWrite write, ref long sequence)
    {
        ApplyWrite(write, ref sequence);
        AfterApply?.Invoke(write);
    }

    /// <summary>Applies one write inside the open transaction. Refusals (exists, missing, conflict) change nothing.</summary>
    private void ApplyWrite(PendingWrite write, ref long sequence)
    {
        var obj = write.Object;
        if (write.Kind == WriteKind.Probe)
        {
            // One small meta document rewritten in place: a log page and the group's fdatasync, like any write.
            _db.GetCollection(Schema.MetaCollection).Upsert(new BsonDocument { ["_id"] = Schema.ProbeId, ["at"] = DateTime.UtcNow });
            write.Result = obj;
            return;
        }
        if (write.Kind == WriteKind.InsertAll)
        {
            // Every identifier is checked before anything is inserted, so a refusal leaves the transaction untouched.
            var all = write.Companions.Prepend(obj).ToArray();
            var used = all.FirstOrDefault(o => IdLookup.Exists(_objects, o.UniqueIdentifier))
                ?? all.GroupBy(o => o.UniqueIdentifier).FirstOrDefault(g => g.Count() > 1)?.First();
            if (used is not null)
            {
                write.Error = new ObjectStoreException(ObjectStoreError.AlreadyExists, $"An object with identifier {used.UniqueIdentifier} exists; none of the {all.Length} objects was stored.");
                return;
            }
            foreach (var o in all)
            {
                var doc = DocumentMapper.ToDocument(o with { Version = 1 }, ++sequence);
                _objects.Insert(doc);
                CountChange(null, doc);
            }
            write.Result = obj with { Version = 1 };
            return;
        }
        if (write.Kind == WriteKind.Insert)
        {
            // No lookup first: the primary key's unique index refuses a used identifier (DuplicateIdentifier below).
            // Identifiers are the server's fresh UUIDv7s, or a client's that Import has already looked up, so the
            // refusal is rare, and the lookup it replaces cost ~6 % of a Create (a read snapshot of its own, whose
            // index expressions LiteDB re-parses, dropped again when the insert takes the write snapshot).
            var inserted = obj with { Version = 1 };
            var doc = DocumentMapper.ToDocument(inserted, ++sequence);
            try
            {
                _objects.Insert(doc);
            }
            catch (LiteException e) when (e.ErrorCode == LiteException.INDEX_DUPLICATE_KEY && IdLookup.Exists(_objects, obj.UniqueIdentifier))
            {
                throw new DuplicateIdentifier(write, e);
            }
            CountChange(null, doc);
            write.Result = inserted;
            return;
        }

        var existing = IdLookup.Find(_objects, obj.UniqueIdentifier);
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
            // this group then runs leaves no copy in the data file nor in the -log.db.
            _objects.Update(DocumentMapper.WithZeroedBlob(existing));
            write.Shredded = true;
        }
        if (write.Kind == WriteKind.Revert)
        {
            // Undo: the prior record exactly as it was (its version and insertion sequence too), or gone.
            var prior = target is null ? null : DocumentMapper.ToDocument(target, existing[DocumentMapper.Sequence].AsInt64);
            if (prior is null) _objects.Delete(obj.UniqueIdentifier);
            else _objects.Update(prior);
            CountChange(existing, prior);
            write.Result = target ?? obj;
            return;
        }
        var updated = obj with { Version = stored + 1 };
        var after = DocumentMapper.ToDocument(updated, existing[DocumentMapper.Sequence].AsInt64);
        _objects.Update(after);
        CountChange(existing, after);
        write.Result = updated;
    }

    /// <summary>An insert the primary key refused: the identifier is in use (<see cref="Apply"/>).</summary>
    private sealed class DuplicateIdentifier(PendingWrite write, Exception inner) : Exception("The identifier is in use.", inner)
    {
        public PendingWrite Write { get; } = write;
    }

    private void Invalidate(List<PendingWrite> batch) =>
        _cache.Invalidate(batch.Where(w => w.Kind != WriteKind.Probe).SelectMany(w => w.Companions.Prepend(w.Object)).Select(o => o.UniqueIdentifier));

    /// <summary>How long a group waits for LiteDB's queue to write its pages before it fails as Unavailable.</summary>
    private static readonly TimeSpan QueueTimeout = TimeSpan.FromSeconds(60);

    private void Rollback()
    {
        try
        {
            _db.Rollback();
        }
        catch (Exception e) when (e is LiteException or IOException or ObjectDisposedException)
        {
            // Nothing to roll back, or the engine is gone (LiteDB closed itself and rethrows its disk failure, e.g.
            // ENOSPC, from every call): the waiters are told below either way; this thread must not die of it.
        }
    }

    private void Fail(List<PendingWrite> batch, Exception e)
    {
        Log.BatchFailed(_logger, e, batch.Count, _path);
        var error = StoreFiles.Unavailable($"Writing to the store failed: {e.Message}", e);
        foreach (var write in batch) write.Done.TrySetException(error);
    }
}
