using System.Diagnostics;
using HsmKmip.Core.Store;
using Npgsql;

namespace HsmKmip.Store.Postgres;

// Group commit. One writer loop per node takes every write pending now (up to MaxWriteBatch), applies them in one
// transaction and commits once: the WAL flush of that COMMIT is the group's one durable step, and a lone write goes
// at once (no timer). Refusals (exists, missing, conflict) are found before anything is changed, so they never abort
// the transaction; a write that does fail inside PostgreSQL (a deadlock with another node, a value too large) aborts
// the group, which is then retried one write at a time so that only that write fails.
public sealed partial class PostgresObjectStore
{
    private static readonly string InsertSql =
        $"INSERT INTO hsmkmip_objects (uid, {string.Join(", ", RowMapper.WriteColumns)}) " +
        $"VALUES (@uid, {string.Join(", ", RowMapper.WriteColumns.Select(c => "@" + c))}) ON CONFLICT (uid) DO NOTHING";

    private static readonly string UpdateSql =
        $"UPDATE hsmkmip_objects SET {string.Join(", ", RowMapper.WriteColumns.Select(c => $"{c} = @{c}"))} WHERE uid = @uid";

    /// <summary>Writes committed by this node since it opened (for status and tests).</summary>
    public long Commits => Interlocked.Read(ref _commits);

    private long _commits;

    protected override ValueTask<StoredObject> Enqueue(PendingWrite write)
    {
        if (write.CancellationToken.IsCancellationRequested) return ValueTask.FromCanceled<StoredObject>(write.CancellationToken);
        if (Volatile.Read(ref _disposed) != 0 || !_queue.Writer.TryWrite(write)) throw new ObjectDisposedException(nameof(PostgresObjectStore), "The store is closed.");
        return new ValueTask<StoredObject>(write.Done.Task);
    }

    private async Task WriterLoopAsync()
    {
        var batch = new List<PendingWrite>(_maxBatch);
        while (await _queue.Reader.WaitToReadAsync().ConfigureAwait(false))
        {
            batch.Clear();
            while (batch.Count < _maxBatch && _queue.Reader.TryRead(out var write)) batch.Add(write);
            // A caller that gave up before its write was picked up gets no write; once picked up, it completes.
            batch.RemoveAll(w => w.CancellationToken.IsCancellationRequested && w.Done.TrySetCanceled(w.CancellationToken));
            if (batch.Count > 0) await WriteGroupAsync(batch).ConfigureAwait(false);
        }
    }

    private async Task WriteGroupAsync(List<PendingWrite> batch)
    {
        var clock = Stopwatch.StartNew();
        foreach (var write in batch)
        {
            write.Error = null;
            write.Result = null;
            write.Shredded = false;
        }
        try
        {
            await using var connection = await _source.OpenConnectionAsync().ConfigureAwait(false);
            await using var tx = await connection.BeginTransactionAsync().ConfigureAwait(false);
            try
            {
                foreach (var write in batch) await ApplyAsync(connection, tx, write).ConfigureAwait(false);
            }
            catch (PostgresException e) when (batch.Count > 1)
            {
                // One write broke the transaction (a deadlock with another node, a limit): isolate it.
                Log.BatchSplit(_logger, e, batch[0].Object.UniqueIdentifier);
                await tx.RollbackAsync().ConfigureAwait(false);
                await connection.CloseAsync().ConfigureAwait(false);
                foreach (var write in batch) await WriteGroupAsync([write]).ConfigureAwait(false);
                return;
            }
            await tx.CommitAsync().ConfigureAwait(false);
        }
        catch (Exception e) when (e is NpgsqlException or TimeoutException or InvalidOperationException or ObjectStoreException)
        {
            // The COMMIT's outcome may be unknown (connection lost during it): Unavailable tells the client to retry.
            Log.BatchFailed(_logger, e, batch.Count);
            var error = e as ObjectStoreException ?? Unavailable("Writing to the PostgreSQL store failed", e);
            if (IsStoreFailure(e)) RecordWrite(error.Message);
            foreach (var write in batch) write.Done.TrySetException(error);
            return;
        }
        RecordWrite(null);
        Interlocked.Add(ref _commits, batch.Count);
        foreach (var write in batch)
        {
            if (write.Shredded) Log.Shredded(_logger, write.Object.UniqueIdentifier);
            if (write.Error is { } error) write.Done.TrySetException(error);
            else write.Done.TrySetResult(write.Result!);
        }
        Log.BatchWritten(_logger, batch.Count, clock.Elapsed.TotalMilliseconds);
    }

    private async Task ApplyAsync(NpgsqlConnection connection, NpgsqlTransaction tx, PendingWrite write)
    {
        var obj = write.Object;
        switch (write.Kind)
        {
            case WriteKind.Probe:
                await ProbeAsync(connection, tx).ConfigureAwait(false);
                write.Result = obj;
                return;
            case WriteKind.Insert:
                if (await InsertAsync(connection, tx, obj).ConfigureAwait(false)) write.Result = obj with { Version = 1 };
                else write.Error = new ObjectStoreException(ObjectStoreError.AlreadyExists, $"An object with identifier {obj.UniqueIdentifier} exists.");
                return;
            case WriteKind.InsertAll:
                await InsertAllAsync(connection, tx, write).ConfigureAwait(false);
                return;
        }

        // Lock the row, then compare versions: another node's change committed meanwhile is seen here (read committed
        // re-reads the row after the lock), so two nodes can never both apply a change based on the same version.
        long stored;
        bool hadBlob;
        await using (var read = new NpgsqlCommand("SELECT version, blob IS NOT NULL FROM hsmkmip_objects WHERE uid = @uid FOR UPDATE", connection, tx))
        {
            read.Parameters.AddWithValue("uid", obj.UniqueIdentifier);
            await using var reader = await read.ExecuteReaderAsync().ConfigureAwait(false);
            if (!await reader.ReadAsync().ConfigureAwait(false))
            {
                write.Error = new ObjectStoreException(ObjectStoreError.NotFound, $"No object has identifier {obj.UniqueIdentifier}.");
                return;
            }
            stored = reader.GetInt64(0);
            hadBlob = reader.GetBoolean(1);
        }
        if (stored != obj.Version)
        {
            write.Error = new ObjectStoreException(
                ObjectStoreError.Conflict,
                $"Object {obj.UniqueIdentifier} changed meanwhile (version {stored}, the update was based on {obj.Version}).");
            return;
        }
        var target = write.Kind == WriteKind.Revert ? write.Prior : obj with { Version = stored + 1 };
        // Crypto-shredding: the blob column goes NULL in this same transaction (see README: what WAL and dead tuples keep).
        write.Shredded = hadBlob && target?.WrappedSecret is null;
        if (target is null)
        {
            await using var delete = new NpgsqlCommand("DELETE FROM hsmkmip_objects WHERE uid = @uid", connection, tx);
            delete.Parameters.AddWithValue("uid", obj.UniqueIdentifier);
            await delete.ExecuteNonQueryAsync().ConfigureAwait(false);
            write.Result = obj;
            return;
        }
        await using var update = new NpgsqlCommand(UpdateSql, connection, tx);
        RowMapper.AddParameters(update.Parameters, target, target.Version);
        await update.ExecuteNonQueryAsync().ConfigureAwait(false);
        write.Result = target;
    }

    private static async Task<bool> InsertAsync(NpgsqlConnection connection, NpgsqlTransaction tx, StoredObject obj)
    {
        await using var insert = new NpgsqlCommand(InsertSql, connection, tx);
        RowMapper.AddParameters(insert.Parameters, obj, 1);
        return await insert.ExecuteNonQueryAsync().ConfigureAwait(false) == 1;
    }

    private static async Task InsertAllAsync(NpgsqlConnection connection, NpgsqlTransaction tx, PendingWrite write)
    {
        var all = write.Companions.Prepend(write.Object).ToArray();
        var duplicate = all.GroupBy(o => o.UniqueIdentifier, StringComparer.Ordinal).FirstOrDefault(g => g.Count() > 1)?.Key;
        if (duplicate is null)
        {
            // A savepoint, so that one used identifier takes back the inserts of this write only, not the group's.
            await tx.SaveAsync("insert_all").ConfigureAwait(false);
            foreach (var o in all)
            {
                if (await InsertAsync(connection, tx, o).ConfigureAwait(false)) continue;
                duplicate = o.UniqueIdentifier;
                await tx.RollbackAsync("insert_all").ConfigureAwait(false);
                break;
            }
            if (duplicate is null)
            {
                await tx.ReleaseAsync("insert_all").ConfigureAwait(false);
                write.Result = write.Object with { Version = 1 };
                return;
            }
        }
        write.Error = new ObjectStoreException(ObjectStoreError.AlreadyExists, $"An object with identifier {duplicate} exists; none of the {all.Length} objects was stored.");
    }

    /// <summary>
    /// The write probe: this node's row in hsmkmip_meta rewritten, committed with the group. On a read-only standby
    /// (after a failover), under default_transaction_read_only or with the disk full, PostgreSQL refuses it as it
    /// would refuse an object's write.
    /// </summary>
    private async Task ProbeAsync(NpgsqlConnection connection, NpgsqlTransaction tx)
    {
        await using var probe = new NpgsqlCommand(
            "INSERT INTO hsmkmip_meta (key, value) VALUES (@key, now()::text) ON CONFLICT (key) DO UPDATE SET value = EXCLUDED.value", connection, tx);
        probe.Parameters.AddWithValue("key", "probe:" + Node);
        await probe.ExecuteNonQueryAsync().ConfigureAwait(false);
    }

    /// <summary>
    /// Whether a failed group means the store cannot commit at all (connection, read-only transaction, disk, shutdown),
    /// rather than one write's own fault: data exceptions (22), constraint violations (23) and serialization failures
    /// or deadlocks (40) are the write's, not the store's.
    /// </summary>
    private static bool IsStoreFailure(Exception e) =>
        e is not PostgresException pg || pg.SqlState.Length < 2 || pg.SqlState[..2] is not ("22" or "23" or "40");
}
