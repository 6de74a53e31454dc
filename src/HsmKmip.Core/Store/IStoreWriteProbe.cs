namespace HsmKmip.Core.Store;

/// <summary>
/// Optional beside <see cref="IObjectStore"/>: a store that can show it still commits, for /readyz and the systemd
/// watchdog. A read answering says nothing about a full disk, a file made read-only or a PostgreSQL node that a
/// failover left on a read-only standby; a write through the store's own writer does.
/// </summary>
public interface IStoreWriteProbe
{
    /// <summary>
    /// One tiny durable write (the store's own meta record, no object) through the same writer, transaction and durable
    /// step as the objects' writes, so it fails exactly when they would. Throws <see cref="ObjectStoreException"/>
    /// (Unavailable) when it cannot commit.
    /// </summary>
    ValueTask ProbeWriteAsync(CancellationToken cancellationToken);

    /// <summary>The outcome of the most recent write group, probe or real (null before the first), so that a busy store needs no probe.</summary>
    StoreWriteOutcome? LastWrite { get; }
}

/// <summary>How a write group ended.</summary>
/// <param name="AtMilliseconds">When, on <see cref="Environment.TickCount64"/>'s monotonic clock.</param>
/// <param name="Failure">Null when the group committed; otherwise why the store could not commit it.</param>
public sealed record StoreWriteOutcome(long AtMilliseconds, string? Failure);
