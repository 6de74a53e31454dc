using Microsoft.Extensions.Logging;

namespace HsmKmip.Store.Postgres;

/// <summary>Every log line of the PostgreSQL store. Event ids 4100–4199. Never logs blobs, attribute values, passwords or public material.</summary>
internal static partial class Log
{
    [LoggerMessage(4100, LogLevel.Information, "Opened PostgreSQL object store {Database} on {Host} (schema {SchemaVersion}) as node {Node}")]
    public static partial void Opened(ILogger logger, string? database, string? host, int schemaVersion, string node);

    [LoggerMessage(4101, LogLevel.Information, "Created the HsmKmip schema in PostgreSQL database {Database}")]
    public static partial void Created(ILogger logger, string? database);

    [LoggerMessage(4102, LogLevel.Warning, "Upgraded the HsmKmip schema in PostgreSQL database {Database} from {From} to {To}")]
    public static partial void Upgraded(ILogger logger, string? database, int from, int to);

    [LoggerMessage(4103, LogLevel.Error, "Commit of {Count} changes to PostgreSQL failed; every waiter gets Unavailable")]
    public static partial void BatchFailed(ILogger logger, Exception exception, int count);

    [LoggerMessage(4104, LogLevel.Debug, "Committed {Count} changes in {Milliseconds} ms")]
    public static partial void BatchWritten(ILogger logger, int count, double milliseconds);

    [LoggerMessage(4105, LogLevel.Warning, "A group of changes starting with {UniqueIdentifier} failed; the group is retried one change at a time")]
    public static partial void BatchSplit(ILogger logger, Exception exception, string uniqueIdentifier);

    [LoggerMessage(4106, LogLevel.Information, "Crypto-shredded the wrapped secret of {UniqueIdentifier} (blob column cleared)")]
    public static partial void Shredded(ILogger logger, string uniqueIdentifier);

    [LoggerMessage(4107, LogLevel.Information, "Closed PostgreSQL object store (node {Node})")]
    public static partial void Closed(ILogger logger, string node);
}
