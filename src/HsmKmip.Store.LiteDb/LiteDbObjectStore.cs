using HsmKmip.Core.Store;
using LiteDB;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;

namespace HsmKmip.Store.LiteDb;

/// <summary>
/// <see cref="IObjectStore"/> over one LiteDB 5 file, opened by this process alone (an OS lock on
/// <c>&lt;path&gt;.lock</c>). Reads run on the caller's thread. Writes go to one writer thread that takes every
/// pending write, applies them in one transaction and makes them durable with one fdatasync of LiteDB's log before
/// any waiter is answered (see <c>LiteDbObjectStore.Writer.cs</c>).
/// </summary>
public sealed partial class LiteDbObjectStore : QueuedWriteStore, IObjectStore, IStoreSnapshot, IDisposable, IAsyncDisposable
{
    private readonly string _path;
    private readonly ILogger _logger;
    private readonly StoreLock _lock;
    private readonly StoreEngine _engine;
    private readonly LiteDatabase _db;
    private readonly ILiteCollection<BsonDocument> _objects;
    // Set by the writer thread once a group's commit failed: LiteDB may have closed its engine (Writer.cs).
    private bool _engineFailed;
    private readonly WriteQueue<PendingWrite> _queue = new();
    private readonly long _checkpointBytes;
    private long _groups;
    private readonly Thread _writer;
    private readonly TaskCompletionSource _writerDone = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private readonly int _maxBatch;
    private readonly RecordCache _cache;
    // Held by the writer thread around each write group, and by a snapshot while it is cut.
    private readonly Lock _writeGate = new();
    private long _lastSequence;
    private System.Runtime.ExceptionServices.ExceptionDispatchInfo? _closeFailure;
    private int _disposed;

    /// <summary>Opens (or creates) the store; throws <see cref="ObjectStoreException"/> (Unavailable) when it cannot.</summary>
    public LiteDbObjectStore(LiteDbStoreOptions options, ILogger<LiteDbObjectStore>? logger = null)
    {
        ArgumentNullException.ThrowIfNull(options);
        if (string.IsNullOrWhiteSpace(options.Path)) throw new ArgumentException("The store path is empty.", nameof(options));
        ArgumentOutOfRangeException.ThrowIfLessThan(options.MaxWriteBatch, 1, nameof(options));
        _path = Path.GetFullPath(options.Path);
        _logger = logger ?? (ILogger)NullLogger.Instance;
        _maxBatch = options.MaxWriteBatch;
        _checkpointBytes = options.CheckpointBytes;
        ArgumentOutOfRangeException.ThrowIfLessThan(options.CountBuildBatch, 1, nameof(options));
        _countBuildBatch = options.CountBuildBatch;
        ArgumentOutOfRangeException.ThrowIfNegative(options.CachedRecords, nameof(options));
        _cache = new RecordCache(options.CachedRecords);

        StoreFiles.EnsureFolder(_path);
        _lock = StoreLockOrLog();
        try
        {
            StoreFiles.EnsureOwnerOnly(_path);
            StoreFiles.EnsureOwnerOnly(StoreFiles.LogPath(_path));
            _engine = StoreEngine.Open(_path);
            _db = _engine.Database;
            try
            {
                var collation = _db.Collation;
                if (collation.SortOptions != System.Globalization.CompareOptions.Ordinal)
                {
                    throw StoreFiles.Unavailable($"The store {_path} was created with collation {collation}, not ordinal: it is not an HsmKmip store.");
                }
                var found = Schema.OpenOrCreate(_db, _path, _logger);
                _objects = _db.GetCollection(Schema.ObjectsCollection);
                // The last seq from the top of its index: no count or scan of the collection at open.
                var last = _objects.Query().OrderByDescending("$." + DocumentMapper.Sequence).Limit(1).ToList();
                _lastSequence = last.Count == 0 ? 0 : last[0][DocumentMapper.Sequence].AsInt64;
                OpenCounts();
                // Whatever LiteDB replayed from its log at open, and the schema steps, reach the data file now.
                _engine.Checkpoint();
                Log.Opened(_logger, _path, Math.Max(found, Schema.Current));
            }
            catch
            {
                _engine.Dispose();
                throw;
            }
        }
        catch (Exception e)
        {
            _lock.Dispose();
            if (e is ObjectStoreException or ArgumentException) throw;
            throw StoreFiles.Unavailable($"Cannot open the store {_path}: {e.Message}", e);
        }

        _writer = new Thread(WriterLoop) { Name = "hsmkmip-store-writer", IsBackground = true };
        _writer.Start();
    }

    /// <summary>LiteDB transactions still open when the store closed (0 unless some thread leaked one; logged as an error).</summary>
    public int TransactionsOpenAtClose { get; private set; }

    /// <summary>The data file's full path.</summary>
    public string FilePath => _path;

    /// <summary>The open store's layout version (an older layout is upgraded when the store opens).</summary>
    public int SchemaVersion => Schema.Current;

    /// <summary>Write groups made durable since the store opened (each: one transaction, one fdatasync of the log).</summary>
    public long DurableGroups => Interlocked.Read(ref _groups);

    /// <summary>Get look-ups answered from the record cache, and those that read the file, since the store opened.</summary>
    public (long Hits, long Misses) CacheLookups => (_cache.Hits, _cache.Misses);

    /// <summary>fdatasync calls on the store's files since it opened: log (one per group, one per checkpoint) and data (one per checkpoint).</summary>
    public long Syncs => _engine.Log.Syncs + _engine.Data.Syncs;

    /// <summary>Pages written to the log and to the data file (checkpoints) since the store opened (the store bench's figures).</summary>
    internal (long Log, long Data) PagesWritten => (_engine.Log.BytesWritten / PageFile.PageSize, _engine.Data.BytesWritten / PageFile.PageSize);

    /// <inheritdoc />
    public ValueTask<StoredObject?> GetAsync(string uniqueIdentifier, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(uniqueIdentifier);
        cancellationToken.ThrowIfCancellationRequested();
        ObjectDisposedException.ThrowIf(Volatile.Read(ref _disposed) != 0, this);
        if (_cache.Find(uniqueIdentifier) is { } cached) return ValueTask.FromResult<StoredObject?>(cached);
        var epoch = _cache.Epoch;
        var doc = Read(() => IdLookup.Find(_objects, uniqueIdentifier));
        if (doc is null) return ValueTask.FromResult<StoredObject?>(null);
        var record = DocumentMapper.ToObject(doc);
        _cache.Add(record, epoch);
        return ValueTask.FromResult<StoredObject?>(record);
    }

    /// <summary>Finishes the pending writes, checkpoints, closes the file and releases the lock.</summary>
    public void Dispose()
    {
        if (Interlocked.Exchange(ref _disposed, 1) != 0) return;
        _queue.Complete();
        _writer.Join();
        _closeFailure?.Throw();
    }

    /// <inheritdoc cref="Dispose"/>
    public async ValueTask DisposeAsync()
    {
        if (Interlocked.Exchange(ref _disposed, 1) != 0) return;
        _queue.Complete();
        await _writerDone.Task.ConfigureAwait(false);
        _closeFailure?.Throw();
    }

    /// <summary>
    /// Run by the writer thread once its queue is drained. LiteDB's locks belong to threads, and a read that LiteDB cut
    /// short when it closed itself (a failed write) can leave one held by a pool thread; the writer ran only writes.
    /// After such a failure there is nothing to checkpoint: LiteDB replays its log at the next open.
    /// </summary>
    private void Close()
    {
        try
        {
            if (!_engineFailed) _engine.Checkpoint();
            try
            {
                var open = _engine.Close();
                if (open.Count > 0) Log.TransactionsOpenAtClose(_logger, open.Count, _path, string.Join("; ", open));
                TransactionsOpenAtClose = open.Count;
            }
            catch (Exception e) when (_engineFailed && e is IOException or LiteException or ObjectDisposedException)
            {
                // LiteDB closed itself already and rethrows the failure that made it: nothing is left to release.
            }
        }
        finally
        {
            _lock.Dispose();
            Log.Closed(_logger, _path);
        }
    }

    private StoreLock StoreLockOrLog()
    {
        try
        {
            return StoreLock.Acquire(_path);
        }
        catch (ObjectStoreException e)
        {
            Log.Refused(_logger, _path, e.Message);
            throw;
        }
    }

    /// <summary>LiteDB by file name, for a copy the store checks on its own (a snapshot being verified).</summary>
    private static LiteDatabase OpenDatabase(string path) => new(new ConnectionString
    {
        Filename = path,
        // Direct: this process owns the file (the lock above makes sure); Shared would reopen it per call.
        Connection = ConnectionType.Direct,
        // Binary (ordinal) collation: identifiers, names and index keys compare byte-exact, not case-insensitively.
        Collation = Collation.Binary,
        // No Password: LiteDB's AES stream never fsyncs; the blobs are HSM-wrapped already.
        Upgrade = false,
    });

    private T Read<T>(Func<T> read)
    {
        try
        {
            return read();
        }
        catch (LiteException e)
        {
            throw StoreFiles.Unavailable($"Reading the store failed: {e.Message}", e);
        }
        catch (IOException e)
        {
            throw StoreFiles.Unavailable($"Reading the store failed: {e.Message}", e);
        }
        catch (ObjectDisposedException e)
        {
            // LiteDB closed its engine after a failed write (Writer.cs) and disposed its streams.
            throw StoreFiles.Unavailable($"Reading the store failed: {e.Message}", e);
        }
    }
}
