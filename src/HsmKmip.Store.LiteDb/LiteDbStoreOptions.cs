namespace HsmKmip.Store.LiteDb;

/// <summary>Where the store lives. The daemon chooses the default path; the folder holds only this store's files.</summary>
public sealed class LiteDbStoreOptions
{
    /// <summary>
    /// The LiteDB data file, e.g. <c>/var/lib/hsmkmip/store.db</c>. Beside it live <c>store-log.db</c> (LiteDB's
    /// write-ahead log, empty after every durable write), <c>store.db.lock</c> (the exclusive process lock) and
    /// <c>store.db.lock.pid</c> (who holds it).
    /// </summary>
    public string Path { get; set; } = "";

    /// <summary>Most writes applied in one durable step (one transaction and one checkpoint).</summary>
    public int MaxWriteBatch { get; set; } = 256;
}
