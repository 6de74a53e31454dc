namespace HsmKmip.Core.Store;

/// <summary>
/// The store's backup side of the port: a consistent copy of everything it holds, taken while the service runs.
/// Kept apart from <see cref="IObjectStore"/> so that a store without a file of its own (PostgreSQL) can answer it
/// with its own dump, and the request path never sees it.
/// </summary>
public interface IStoreSnapshot
{
    /// <summary>
    /// Writes a consistent snapshot to <paramref name="destinationPath"/>: writes are held back only while the
    /// snapshot is cut, the file is owner-only (0600), made durable and verified before it appears under its name
    /// (an existing file there is replaced atomically). Throws <see cref="ObjectStoreException"/>.
    /// </summary>
    ValueTask<SnapshotSummary> WriteSnapshotAsync(string destinationPath, CancellationToken cancellationToken);
}

/// <summary>What a snapshot holds.</summary>
/// <param name="Path">The snapshot file's full path.</param>
/// <param name="Objects">Managed objects in it (every state, Destroyed included).</param>
/// <param name="Bytes">The file's size.</param>
/// <param name="WritesPaused">How long writes were held back while it was cut.</param>
/// <param name="BlobsByKek">Wrapped secrets in it per KEK label: the KEKs a restore needs on the token.</param>
public sealed record SnapshotSummary(string Path, long Objects, long Bytes, TimeSpan WritesPaused, IReadOnlyDictionary<string, long> BlobsByKek);
