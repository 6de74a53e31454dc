using System.Diagnostics;
using HsmKmip.Core.Store;
using LiteDB;

namespace HsmKmip.Store.LiteDb;

// Located Items without counting the matches (schema v4, LocateCounts). Every write group adds its records' count
// changes to the count documents inside its own transaction (WriteGroup → FlushCounts), so a count is exactly as
// durable as the records: rolled back with them, replayed with them after kill -9.
// A store upgraded from v3 has records and no counts. The writer thread counts them in the background, a batch of
// records (in seq order) per transaction that also moves the cursor ({ _id: "counts" } in meta) past them, so a
// restart resumes at the cursor. Writes landing meanwhile count only records at or below the cursor (already
// counted, so their change must be counted); a record past it, new ones included (a new seq is always past it), is
// counted as it is when the build reaches it. Batches and write groups both run on the writer thread, one at a time,
// so nothing lands between a batch's read and its commit. Until the last batch finds no record past the cursor,
// CountAsync counts matches as before.
public sealed partial class LiteDbObjectStore
{
    /// <summary>Records counted per background transaction (<see cref="LiteDbStoreOptions.CountBuildBatch"/>).</summary>
    private readonly int _countBuildBatch;

    /// <summary>While writes keep coming, a build batch runs between groups at most this often (when idle, back to back).</summary>
    private static readonly TimeSpan CountBuildInterval = TimeSpan.FromMilliseconds(100);

    private ILiteCollection<BsonDocument> _counts = null!;

    // The last seq counted (writer thread writes, others read): long.MaxValue once every record is counted.
    private long _countCursor;
    private bool _countBuildFailed;
    private readonly Stopwatch _countBuildClock = new();
    private readonly Stopwatch _sinceCountBatch = Stopwatch.StartNew();
    private long _countedRecords;

    // The open group's count changes; reset by every WriteGroup call, so a group split after a failure recounts.
    private readonly Dictionary<string, long> _countDeltas = new(StringComparer.Ordinal);

    // The committed value of every count the writer has read or written since open (writer thread only), so that a
    // group updates a count document without reading it first; values a transaction writes wait in _countStaged
    // until it commits (a rolled-back group leaves the cache as the file is).
    private readonly Dictionary<string, long> _countValues = new(StringComparer.Ordinal);
    private readonly Dictionary<string, long> _countStaged = new(StringComparer.Ordinal);
    private long _countFallbacks;

    /// <summary>Whether Locate's counts cover every record (a v3 store's are built in the background after open).</summary>
    public bool LocateCountsComplete => Interlocked.Read(ref _countCursor) == long.MaxValue;

    /// <summary>The background count build: the last seq counted (the last seq of the store once complete) and the store's last seq.</summary>
    public (long Counted, long Last) LocateCountProgress
    {
        get
        {
            var last = Interlocked.Read(ref _lastSequence);
            var cursor = Interlocked.Read(ref _countCursor);
            return (cursor == long.MaxValue ? last : cursor, last);
        }
    }

    /// <summary>CountAsync calls answered by counting matches (counts incomplete, or a query they cannot answer) since open.</summary>
    public long LocateCountFallbacks => Interlocked.Read(ref _countFallbacks);

    /// <inheritdoc />
    public ValueTask<int> CountAsync(ObjectQuery query, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(query);
        cancellationToken.ThrowIfCancellationRequested();
        ObjectDisposedException.ThrowIf(Volatile.Read(ref _disposed) != 0, this);
        if (LocateCountsComplete && LocateCounts.KeysFor(query) is { } keys)
        {
            return ValueTask.FromResult((int)Math.Min(int.MaxValue, Read(() => LocateCounts.Sum(_counts, keys))));
        }
        // A lone Object Type, State or Owner filter (`hsmkmip status`, the console's health page): its index keys
        // counted without loading a record (a million keys of one type: a walk of the index pages only).
        if (KeyOnlyRange(query) is var (field, from, to)) return ValueTask.FromResult(Read(() => CountKeys(field, from, to)));
        Interlocked.Increment(ref _countFallbacks);
        return CountMatchesAsync(query, cancellationToken);
    }

    private async ValueTask<int> CountMatchesAsync(ObjectQuery query, CancellationToken cancellationToken) =>
        (await LocateAsync(query with { Offset = 0, MaxItems = null }, cancellationToken).ConfigureAwait(false)).Count;

    /// <summary>Reads the build state at open (after the schema steps) and says whether the background build must run.</summary>
    private void OpenCounts()
    {
        _counts = _db.GetCollection(LocateCounts.Collection);
        var state = _db.GetCollection(Schema.MetaCollection).FindById(Schema.CountsId);
        var complete = state is not null && state["complete"].AsBoolean;
        _countCursor = complete ? long.MaxValue : state?["cursor"].AsInt64 ?? 0;
        if (complete) return;
        _countBuildClock.Start();
        Log.CountBuildStarted(_logger, _path, _countCursor, _lastSequence);
    }

    private bool CountBuildPending => !_countBuildFailed && _countCursor != long.MaxValue;

    /// <summary>Whether a record at <paramref name="seq"/> is counted already, so that a change to it must change its counts.</summary>
    private bool Counted(long seq) => seq <= _countCursor;

    /// <summary>Records the count change of one record going from <paramref name="before"/> to <paramref name="after"/> (null: absent).</summary>
    private void CountChange(BsonDocument? before, BsonDocument? after)
    {
        if (before is not null && Counted(before[DocumentMapper.Sequence].AsInt64)) LocateCounts.Add(_countDeltas, before, -1);
        if (after is not null && Counted(after[DocumentMapper.Sequence].AsInt64)) LocateCounts.Add(_countDeltas, after, +1);
    }

    /// <summary>Writes the open group's count changes into its transaction.</summary>
    private void FlushCounts() => WriteCounts(_countDeltas);

    /// <summary>
    /// Adds <paramref name="deltas"/> to the count documents inside the open transaction: an update of a document
    /// known to exist, an insert of a new one, a delete at zero. A count that would go below zero (the counts disagree
    /// with the records) is kept at zero and logged rather than refuse the write it counts.
    /// </summary>
    private void WriteCounts(Dictionary<string, long> deltas)
    {
        _countStaged.Clear();
        var negative = 0;
        foreach (var (key, delta) in deltas)
        {
            if (delta == 0) continue;
            if (!_countStaged.TryGetValue(key, out var old) && !_countValues.TryGetValue(key, out old))
            {
                old = _counts.FindById(key)?[LocateCounts.CountField].AsInt64 ?? 0;
            }
            var n = old + delta;
            if (n < 0) negative++;
            if (n <= 0)
            {
                if (old > 0) _counts.Delete(key);
                n = 0;
            }
            else if (old > 0)
            {
                _counts.Update(new BsonDocument { ["_id"] = key, [LocateCounts.CountField] = n });
            }
            else
            {
                _counts.Insert(new BsonDocument { ["_id"] = key, [LocateCounts.CountField] = n });
            }
            _countStaged[key] = n;
        }
        if (negative > 0) Log.CountsNegative(_logger, negative, _path);
    }

    /// <summary>After a commit: the values its transaction wrote are the committed ones.</summary>
    private void CountsCommitted()
    {
        foreach (var (key, n) in _countStaged) _countValues[key] = n;
        _countStaged.Clear();
    }

    /// <summary>Runs a build batch when one is due: at once when no write waits, else at most every <see cref="CountBuildInterval"/>.</summary>
    private void CountBatchIfDue(bool idle)
    {
        if (!CountBuildPending || (!idle && _sinceCountBatch.Elapsed < CountBuildInterval)) return;
        CountBatch();
        _sinceCountBatch.Restart();
    }

    /// <summary>One build batch, in its own durable transaction: the next records past the cursor, counted, and the cursor moved past them.</summary>
    private void CountBatch()
    {
        var cursor = _countCursor;
        var deltas = new Dictionary<string, long>(StringComparer.Ordinal);
        bool done;
        try
        {
            _db.BeginTrans();
            var batch = _objects.Query()
                .Where(BsonExpression.Create("$." + DocumentMapper.Sequence + " > @0", cursor))
                .OrderBy("$." + DocumentMapper.Sequence)
                .Limit(_countBuildBatch)
                .ToList();
            foreach (var doc in batch)
            {
                LocateCounts.Add(deltas, doc, +1);
                cursor = doc[DocumentMapper.Sequence].AsInt64;
            }
            _countedRecords += batch.Count;
            // Fewer than asked: no record lies past the cursor, and no write can add one before this commits.
            done = batch.Count < _countBuildBatch;
            WriteCounts(deltas);
            _db.GetCollection(Schema.MetaCollection).Upsert(Schema.CountsState(cursor, done));
            _db.Commit();
            _engine.Log.WaitWritten(_engine.LogEnd, QueueTimeout);
            _engine.Log.Sync();
        }
        catch (Exception e)
        {
            Rollback();
            // Locate keeps counting matches; the cursor on disk is where the next start resumes.
            _countBuildFailed = true;
            Log.CountBuildFailed(_logger, e, _path, _countCursor);
            if (e is IOException or ObjectDisposedException) RecordWrite(e.Message);
            return;
        }
        CountsCommitted();
        Interlocked.Exchange(ref _countCursor, done ? long.MaxValue : cursor);
        if (done) Log.CountBuildFinished(_logger, _path, _countedRecords, Math.Round(_countBuildClock.Elapsed.TotalSeconds, 1));
    }

    /// <summary>
    /// The kept counts and the counts recomputed from every record, read in one transaction on the writer's side of
    /// the gate (so no group lands between the two): equal whenever the counts are exact. For tests and the bench.
    /// </summary>
    internal (Dictionary<string, long> Kept, Dictionary<string, long> Recounted) RecountLocateCounts()
    {
        lock (_writeGate)
        {
            return Read(() =>
            {
                var kept = _counts.FindAll().ToDictionary(d => d["_id"].AsString, d => d[LocateCounts.CountField].AsInt64, StringComparer.Ordinal);
                var recounted = new Dictionary<string, long>(StringComparer.Ordinal);
                foreach (var doc in _objects.FindAll())
                {
                    if (Counted(doc[DocumentMapper.Sequence].AsInt64)) LocateCounts.Add(recounted, doc, +1);
                }
                foreach (var zero in recounted.Where(p => p.Value == 0).Select(p => p.Key).ToArray()) recounted.Remove(zero);
                return (kept, recounted);
            });
        }
    }
}
