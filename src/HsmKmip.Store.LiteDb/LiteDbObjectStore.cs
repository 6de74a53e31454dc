using System.Collections.Concurrent;
using HsmKmip.Core.Store;
using LiteDB;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;

namespace HsmKmip.Store.LiteDb;

/// <summary>
/// <see cref="IObjectStore"/> over one LiteDB 5 file, opened by this process alone (Direct connection plus an OS
/// lock on <c>&lt;path&gt;.lock</c>). Reads run on the caller's thread. Writes go to one writer thread that takes
/// every pending write, applies them in one transaction and makes them durable with one checkpoint before any
/// waiter is answered (see <c>LiteDbObjectStore.Writer.cs</c> for why a checkpoint and not LiteDB's Commit).
/// </summary>
public sealed partial class LiteDbObjectStore : IObjectStore, IStoreSnapshot, IDisposable, IAsyncDisposable
{
    private readonly string _path;
    private readonly ILogger _logger;
    private readonly StoreLock _lock;
    private readonly LiteDatabase _db;
    private readonly ILiteCollection<BsonDocument> _objects;
    private readonly FileStream _logSync;
    private readonly BlockingCollection<PendingWrite> _queue = [];
    private readonly Thread _writer;
    private readonly TaskCompletionSource _writerDone = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private readonly int _maxBatch;
    // Held by the writer thread around each write group, and by a snapshot while it is cut.
    private readonly Lock _writeGate = new();
    private long _lastSequence;
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

        StoreFiles.EnsureFolder(_path);
        _lock = StoreLockOrLog();
        try
        {
            StoreFiles.EnsureOwnerOnly(_path);
            StoreFiles.EnsureOwnerOnly(StoreFiles.LogPath(_path));
            _db = OpenDatabase(_path);
            try
            {
                var collation = _db.Collation;
                if (collation.SortOptions != System.Globalization.CompareOptions.Ordinal)
                {
                    throw StoreFiles.Unavailable($"The store {_path} was created with collation {collation}, not ordinal: it is not an HsmKmip store.");
                }
                var found = Schema.OpenOrCreate(_db, _path, _logger);
                _objects = _db.GetCollection(Schema.ObjectsCollection);
                _lastSequence = _objects.Count() == 0 ? 0 : _objects.Max("$." + DocumentMapper.Sequence).AsInt64;
                _logSync = new FileStream(StoreFiles.LogPath(_path), FileMode.OpenOrCreate, FileAccess.ReadWrite, FileShare.ReadWrite | FileShare.Delete);
                Log.Opened(_logger, _path, Math.Max(found, Schema.Current));
            }
            catch
            {
                _db.Dispose();
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

    /// <summary>The data file's full path.</summary>
    public string FilePath => _path;

    /// <summary>The open store's layout version (an older layout is upgraded when the store opens).</summary>
    public int SchemaVersion => Schema.Current;

    /// <inheritdoc />
    public ValueTask<StoredObject?> GetAsync(string uniqueIdentifier, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(uniqueIdentifier);
        cancellationToken.ThrowIfCancellationRequested();
        ObjectDisposedException.ThrowIf(Volatile.Read(ref _disposed) != 0, this);
        var doc = Read(() => _objects.FindById(uniqueIdentifier));
        return ValueTask.FromResult(doc is null ? null : DocumentMapper.ToObject(doc));
    }

    /// <inheritdoc />
    public ValueTask<StoredObject> InsertAsync(StoredObject obj, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(obj);
        return Enqueue(new PendingWrite(WriteKind.Insert, obj, cancellationToken));
    }

    /// <inheritdoc />
    public async ValueTask<IReadOnlyList<StoredObject>> InsertAllAsync(IReadOnlyList<StoredObject> objects, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(objects);
        if (objects.Count == 0) return [];
        await Enqueue(new PendingWrite(WriteKind.InsertAll, objects[0], cancellationToken) { Companions = objects.Skip(1).ToArray() }).ConfigureAwait(false);
        return objects.Select(o => o with { Version = 1 }).ToArray();
    }

    /// <inheritdoc />
    public ValueTask<StoredObject> UpdateAsync(StoredObject obj, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(obj);
        return Enqueue(new PendingWrite(WriteKind.Update, obj, cancellationToken));
    }

    /// <inheritdoc />
    public async ValueTask RevertAsync(StoredObject current, StoredObject? prior, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(current);
        if (prior is not null && prior.UniqueIdentifier != current.UniqueIdentifier) throw new ArgumentException("The prior version is of another object.", nameof(prior));
        await Enqueue(new PendingWrite(WriteKind.Revert, current, cancellationToken) { Prior = prior }).ConfigureAwait(false);
    }

    /// <summary>Finishes the pending writes, checkpoints, closes the file and releases the lock.</summary>
    public void Dispose()
    {
        if (Interlocked.Exchange(ref _disposed, 1) != 0) return;
        _queue.CompleteAdding();
        _writer.Join();
        Close();
    }

    /// <inheritdoc cref="Dispose"/>
    public async ValueTask DisposeAsync()
    {
        if (Interlocked.Exchange(ref _disposed, 1) != 0) return;
        _queue.CompleteAdding();
        await _writerDone.Task.ConfigureAwait(false);
        Close();
    }

    private void Close()
    {
        try
        {
            _db.Checkpoint();
            _logSync.Dispose();
            _db.Dispose();
        }
        finally
        {
            _queue.Dispose();
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
    }
}
