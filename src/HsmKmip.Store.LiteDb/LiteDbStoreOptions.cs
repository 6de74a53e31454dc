namespace HsmKmip.Store.LiteDb;

/// <summary>Where the store lives. The daemon chooses the default path; the folder holds only this store's files.</summary>
public sealed class LiteDbStoreOptions
{
    /// <summary>
    /// The LiteDB data file, e.g. <c>/var/lib/hsmkmip/store.db</c>. Beside it live <c>store-log.db</c> (LiteDB's
    /// write-ahead log, made durable by every write and emptied by each checkpoint), <c>store.db.lock</c> (the exclusive process lock) and
    /// <c>store.db.lock.pid</c> (who holds it).
    /// </summary>
    public string Path { get; set; } = "";

    /// <summary>Most writes applied in one durable step (one transaction and one fdatasync of the log).</summary>
    public int MaxWriteBatch { get; set; } = 256;

    /// <summary>
    /// Size of <c>store-log.db</c> past which the writer checkpoints it into the data file after answering its group
    /// (a group that destroys a blob checkpoints at once). Larger: fewer checkpoints, a longer log to replay at open.
    /// </summary>
    public long CheckpointBytes { get; set; } = 16L * 1024 * 1024;

    /// <summary>
    /// Records kept in memory by identifier for Get (between this and twice this many; 0 turns the cache off). Each
    /// costs about its size on disk (~2 KB for an AES key); the store's writer drops a record from it before it answers
    /// the write that changed it.
    /// </summary>
    public int CachedRecords { get; set; } = 8192;

    /// <summary>
    /// Records counted per background transaction while a store upgraded from schema v3 builds its Locate counts
    /// (LiteDbObjectStore.Counts.cs): each batch holds the writer for its length (~20–60 ms at 1,000).
    /// </summary>
    public int CountBuildBatch { get; set; } = 1000;
}
