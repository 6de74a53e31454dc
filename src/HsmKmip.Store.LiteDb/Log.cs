using Microsoft.Extensions.Logging;

namespace HsmKmip.Store.LiteDb;

/// <summary>Every log line of the LiteDB store. Event ids 4000–4099. Never logs blobs, attribute values or public material.</summary>
internal static partial class Log
{
    [LoggerMessage(4000, LogLevel.Information, "Opened object store {Path} (schema {SchemaVersion})")]
    public static partial void Opened(ILogger logger, string path, int schemaVersion);

    [LoggerMessage(4001, LogLevel.Information, "Created object store {Path}")]
    public static partial void Created(ILogger logger, string path);

    [LoggerMessage(4002, LogLevel.Warning, "Upgraded object store {Path} from schema {From} to {To}")]
    public static partial void Upgraded(ILogger logger, string path, int from, int to);

    [LoggerMessage(4003, LogLevel.Error, "Durable write of {Count} changes to {Path} failed; every waiter gets Unavailable")]
    public static partial void BatchFailed(ILogger logger, Exception exception, int count, string path);

    [LoggerMessage(4004, LogLevel.Debug, "Wrote {Count} changes durably in {Milliseconds} ms")]
    public static partial void BatchWritten(ILogger logger, int count, double milliseconds);

    [LoggerMessage(4005, LogLevel.Warning, "A change to {UniqueIdentifier} failed inside a group; the group is retried one change at a time")]
    public static partial void BatchSplit(ILogger logger, Exception exception, string uniqueIdentifier);

    [LoggerMessage(4006, LogLevel.Information, "Crypto-shredded the wrapped secret of {UniqueIdentifier}")]
    public static partial void Shredded(ILogger logger, string uniqueIdentifier);

    [LoggerMessage(4007, LogLevel.Information, "Closed object store {Path}")]
    public static partial void Closed(ILogger logger, string path);

    [LoggerMessage(4008, LogLevel.Warning, "Refused to open object store {Path}: {Reason}")]
    public static partial void Refused(ILogger logger, string path, string reason);

    [LoggerMessage(4009, LogLevel.Information, "Wrote a backup of the store to {Path}: {Objects} objects, writes held back {PausedMs} ms")]
    public static partial void SnapshotWritten(ILogger logger, string path, long objects, double pausedMs);

    [LoggerMessage(4010, LogLevel.Warning, "Restored the store {Path} from {Backup}; the previous store is kept as {Aside}")]
    public static partial void Restored(ILogger logger, string path, string backup, string aside);

    [LoggerMessage(4011, LogLevel.Warning, "Checkpoint of the store {Path} failed; its log stays durable and the next group retries")]
    public static partial void CheckpointFailed(ILogger logger, Exception exception, string path);

    [LoggerMessage(5852, LogLevel.Critical, "LiteDB closed the store {Path} after a failed write (disk full, I/O error); it serves nothing until the daemon restarts")]
    public static partial void EngineClosed(ILogger logger, Exception exception, string path);

    [LoggerMessage(6080, LogLevel.Error, "{Count} LiteDB transactions were still open when the store {Path} closed ({Transactions}); they are closed with it and kept from LiteDB's finalizer")]
    public static partial void TransactionsOpenAtClose(ILogger logger, int count, string path, string transactions);

    [LoggerMessage(6120, LogLevel.Information, "Counting the records of {Path} for Locate's Located Items in the background, from seq {Cursor} of {LastSequence}; Locate counts matches until it is done")]
    public static partial void CountBuildStarted(ILogger logger, string path, long cursor, long lastSequence);

    [LoggerMessage(6121, LogLevel.Information, "Counted the records of {Path} for Locate's Located Items: {Records} records in {Seconds} s; Locate with Offset Items now answers from the counts")]
    public static partial void CountBuildFinished(ILogger logger, string path, long records, double seconds);

    [LoggerMessage(6122, LogLevel.Error, "Counting the records of {Path} for Locate failed at seq {Cursor}; Locate keeps counting matches, the next start resumes")]
    public static partial void CountBuildFailed(ILogger logger, Exception exception, string path, long cursor);

    [LoggerMessage(6123, LogLevel.Error, "{Keys} Locate counts of {Path} would have gone below zero (kept at zero): the counts disagree with the records")]
    public static partial void CountsNegative(ILogger logger, int keys, string path);
}
