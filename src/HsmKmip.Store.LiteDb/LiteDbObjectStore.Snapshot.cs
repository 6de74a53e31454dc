using System.Diagnostics;
using HsmKmip.Core.Store;
using LiteDB;

namespace HsmKmip.Store.LiteDb;

// A snapshot (PLATFORM-NOTES: copying the file without a checkpoint lost a third of the documents): the write gate is
// taken, so no write group runs; a checkpoint moves every committed page into the data file and empties the -log.db;
// the data file is copied byte for byte into an owner-only file beside the destination and fsynced; the gate is let go.
// Then, with writes flowing again, the copy is opened on its own, checked (schema, object count) and stamped with
// what it holds, and renamed over the destination, and the folder is fsynced.
public sealed partial class LiteDbObjectStore
{
    /// <summary>The collection of the "backup" record a snapshot carries: when it was cut, from where, what it holds.</summary>
    internal const string BackupRecordId = "backup";

    /// <inheritdoc />
    public ValueTask<SnapshotSummary> WriteSnapshotAsync(string destinationPath, CancellationToken cancellationToken)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(destinationPath);
        ObjectDisposedException.ThrowIf(Volatile.Read(ref _disposed) != 0, this);
        var destination = Path.GetFullPath(destinationPath);
        if (destination == _path || destination == StoreFiles.LogPath(_path))
        {
            throw StoreFiles.Unavailable($"The backup file {destination} is the live store itself; name another file.");
        }
        var folder = Path.GetDirectoryName(destination)!;
        if (!Directory.Exists(folder)) throw StoreFiles.Unavailable($"The folder {folder} for the backup does not exist.");
        var staging = Path.Combine(folder, $".{Path.GetFileNameWithoutExtension(destination)}.{Environment.ProcessId}.partial.db");
        try
        {
            var (objects, paused) = CutSnapshot(staging, cancellationToken);
            var byKek = StampAndVerify(staging, objects);
            File.Move(staging, destination, overwrite: true);
            StoreFiles.FsyncFolder(folder);
            Log.SnapshotWritten(_logger, destination, objects, paused.TotalMilliseconds);
            return ValueTask.FromResult(new SnapshotSummary(destination, objects, new FileInfo(destination).Length, paused, byKek));
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException or LiteException)
        {
            throw StoreFiles.Unavailable($"Writing the backup {destination} failed: {e.Message}", e);
        }
        finally
        {
            StoreFiles.DeleteQuietly(staging);
            StoreFiles.DeleteQuietly(StoreFiles.LogPath(staging));
        }
    }

    private (long Objects, TimeSpan Paused) CutSnapshot(string staging, CancellationToken cancellationToken)
    {
        StoreFiles.DeleteQuietly(staging);
        using var target = StoreFiles.CreateOwnerOnlyFile(staging);
        long objects;
        var clock = Stopwatch.StartNew();
        lock (_writeGate)
        {
            cancellationToken.ThrowIfCancellationRequested();
            _engine.Checkpoint();
            objects = _objects.LongCount();
            using var source = new FileStream(_path, FileMode.Open, FileAccess.Read, FileShare.ReadWrite | FileShare.Delete);
            source.CopyTo(target);
            target.Flush(flushToDisk: true);
        }
        return (objects, clock.Elapsed);
    }

    /// <summary>Opens the copy on its own: it must be an HsmKmip store of this schema with every object; records what it holds.</summary>
    private Dictionary<string, long> StampAndVerify(string staging, long expectedObjects)
    {
        StoreFiles.EnsureOwnerOnly(StoreFiles.LogPath(staging));
        var byKek = new Dictionary<string, long>(StringComparer.Ordinal);
        using (var copy = OpenDatabase(staging))
        {
            var schema = Schema.Read(copy);
            var docs = copy.GetCollection(Schema.ObjectsCollection);
            var count = docs.LongCount();
            if (schema != Schema.Current || count != expectedObjects)
            {
                throw StoreFiles.Unavailable($"The backup copy did not verify (schema {schema}, {count} objects where the store had {expectedObjects}); nothing was written.");
            }
            foreach (var doc in docs.Query().Where($"$.{DocumentMapper.Secret}.kek != null").Select($"$.{DocumentMapper.Secret}.kek").ToEnumerable())
            {
                var kek = doc.Values.First().AsString;
                byKek[kek] = byKek.GetValueOrDefault(kek) + 1;
            }
            var keks = new BsonDocument();
            foreach (var (kek, n) in byKek) keks[kek] = n;
            copy.GetCollection(Schema.MetaCollection).Upsert(new BsonDocument
            {
                ["_id"] = BackupRecordId,
                ["taken"] = DateTime.UtcNow,
                ["source"] = _path,
                ["objects"] = expectedObjects,
                ["keks"] = keks,
            });
            copy.Checkpoint();
        }
        using (var written = new FileStream(staging, FileMode.Open, FileAccess.ReadWrite))
        {
            written.Flush(flushToDisk: true);
        }
        return byKek;
    }
}
