using System.Globalization;
using HsmKmip.Core.Store;
using LiteDB;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;

namespace HsmKmip.Store.LiteDb;

/// <summary>
/// Puts a backup in place of a store, in three steps a caller can stop between. <see cref="Stage"/> takes the store's
/// exclusive lock (so the daemon is not running), copies the backup into an owner-only staging file beside the store
/// and opens it (upgrading an older schema as any open does) as <see cref="Staged"/>, so that the caller can check
/// every blob against the token before anything changes. <see cref="Commit"/> then moves the current store (data
/// file and its -log.db together) aside under a dated name, renames the staged file into place and fsyncs the
/// folder; the previous store is never deleted. Disposing without a commit removes the staging file and changes nothing.
/// </summary>
public sealed class LiteDbRestore : IDisposable
{
    private readonly string _storePath;
    private readonly string _staging;
    private readonly string _backup;
    private readonly ILogger _logger;
    private StoreLock? _lock;
    private LiteDbObjectStore? _staged;
    private bool _committed;

    private LiteDbRestore(string storePath, string staging, string backup, ILogger logger, StoreLock @lock, LiteDbObjectStore staged)
    {
        _storePath = storePath;
        _staging = staging;
        _backup = backup;
        _logger = logger;
        _lock = @lock;
        _staged = staged;
    }

    /// <summary>The backup, opened as a store of its own (read it; do not write to it).</summary>
    public IObjectStore Staged => _staged ?? throw new InvalidOperationException("The restore was committed or abandoned.");

    /// <summary>Takes the lock on <paramref name="storePath"/>, copies <paramref name="backupFile"/> beside it and opens the copy.</summary>
    public static LiteDbRestore Stage(string backupFile, string storePath, ILogger? logger = null)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(backupFile);
        ArgumentException.ThrowIfNullOrWhiteSpace(storePath);
        logger ??= NullLogger.Instance;
        var backup = Path.GetFullPath(backupFile);
        var store = Path.GetFullPath(storePath);
        if (!File.Exists(backup)) throw StoreFiles.Unavailable($"The backup file {backup} does not exist.");
        if (backup == store) throw StoreFiles.Unavailable($"The backup file {backup} is the store itself.");
        StoreFiles.EnsureFolder(store);
        var @lock = StoreLock.Acquire(store);
        var staging = Path.Combine(Path.GetDirectoryName(store)!, $".{Path.GetFileNameWithoutExtension(store)}.restoring.db");
        try
        {
            RemoveStoreFiles(staging);
            using (var source = new FileStream(backup, FileMode.Open, FileAccess.Read, FileShare.Read))
            using (var target = StoreFiles.CreateOwnerOnlyFile(staging))
            {
                source.CopyTo(target);
                target.Flush(flushToDisk: true);
            }
            if (!LooksLikeLiteDb(staging)) throw StoreFiles.Unavailable($"{backup} is not an HsmKmip backup (not a LiteDB file).");
            var staged = new LiteDbObjectStore(new LiteDbStoreOptions { Path = staging });
            return new LiteDbRestore(store, staging, backup, logger, @lock, staged);
        }
        catch (Exception e)
        {
            RemoveStoreFiles(staging);
            @lock.Dispose();
            if (e is ObjectStoreException) throw;
            if (e is IOException or UnauthorizedAccessException or LiteException)
            {
                throw StoreFiles.Unavailable($"Reading the backup {backup} failed: {e.Message}", e);
            }
            throw;
        }
    }

    /// <summary>
    /// Moves the current store aside (when there is one) and puts the staged backup in its place. Returns the path the
    /// previous store was moved to, or null when there was none.
    /// </summary>
    public string? Commit()
    {
        var staged = _staged ?? throw new InvalidOperationException("The restore was committed or abandoned.");
        staged.Dispose();
        _staged = null;
        RemoveLockFiles(_staging);
        var folder = Path.GetDirectoryName(_storePath)!;
        string? aside = null;
        if (File.Exists(_storePath))
        {
            var stamp = DateTime.UtcNow.ToString("yyyyMMdd'T'HHmmss'Z'", CultureInfo.InvariantCulture);
            aside = Path.Combine(folder, $"{Path.GetFileNameWithoutExtension(_storePath)}.before-restore-{stamp}{Path.GetExtension(_storePath)}");
            // The -log.db goes with its data file: it may hold committed pages of a daemon that was killed, and a
            // leftover log is replayed into whatever data file sits beside it (PLATFORM-NOTES).
            if (File.Exists(StoreFiles.LogPath(_storePath))) File.Move(StoreFiles.LogPath(_storePath), StoreFiles.LogPath(aside));
            File.Move(_storePath, aside);
        }
        StoreFiles.DeleteQuietly(StoreFiles.LogPath(_staging));
        File.Move(_staging, _storePath);
        StoreFiles.FsyncFolder(folder);
        _committed = true;
        Log.Restored(_logger, _storePath, _backup, aside ?? "(none)");
        return aside;
    }

    /// <summary>Abandons an uncommitted restore (the store is untouched) and releases the lock.</summary>
    public void Dispose()
    {
        _staged?.Dispose();
        _staged = null;
        if (!_committed) RemoveStoreFiles(_staging);
        _lock?.Dispose();
        _lock = null;
    }

    private static void RemoveStoreFiles(string dataPath)
    {
        StoreFiles.DeleteQuietly(dataPath);
        StoreFiles.DeleteQuietly(StoreFiles.LogPath(dataPath));
        RemoveLockFiles(dataPath);
    }

    private static void RemoveLockFiles(string dataPath)
    {
        StoreFiles.DeleteQuietly(StoreFiles.LockPath(dataPath));
        StoreFiles.DeleteQuietly(StoreFiles.PidPath(dataPath));
    }

    /// <summary>LiteDB 5 data files carry "** This is a LiteDB file **" at byte 32 of the header page.</summary>
    private static bool LooksLikeLiteDb(string path)
    {
        var header = new byte[64];
        using var stream = new FileStream(path, FileMode.Open, FileAccess.Read);
        return stream.ReadAtLeast(header, header.Length, throwOnEndOfStream: false) == header.Length
            && System.Text.Encoding.ASCII.GetString(header, 32, 27) == "** This is a LiteDB file **";
    }
}
