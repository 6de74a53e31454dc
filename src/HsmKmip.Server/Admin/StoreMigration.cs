using HsmKmip.Core.Store;

namespace HsmKmip.Server.Admin;

/// <summary>What one migration run did.</summary>
/// <param name="Source">Objects in the source store (every state, Destroyed included).</param>
/// <param name="Copied">Objects this run inserted into the target.</param>
/// <param name="AlreadyThere">Objects found in the target exactly as in the source (an earlier, interrupted run copied them).</param>
/// <param name="Different">Identifiers present in the target with other contents: left untouched, the run fails.</param>
/// <param name="BlobsByKek">Wrapped secrets per KEK label: the KEKs every node's token must hold.</param>
public sealed record MigrationReport(long Source, long Copied, long AlreadyThere, IReadOnlyList<string> Different, IReadOnlyDictionary<string, long> BlobsByKek);

/// <summary>
/// Copies every object of one store into another (LiteDB into PostgreSQL) with the daemon stopped. Resumable: an object the
/// target already holds with the same contents is skipped, so a run interrupted anywhere is finished by running it again.
/// An object the target holds with different contents is never overwritten (the target is in use, or another store was
/// migrated into it): it is reported and the run fails. Blobs are copied as they are (still wrapped under the token's KEK);
/// no key is unwrapped.
/// </summary>
public static class StoreMigration
{
    public static async Task<MigrationReport> RunAsync(IObjectStore source, IObjectStore target, int batchSize, IProgress<(long Done, long Total)>? progress, CancellationToken cancellationToken)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(batchSize, 1);
        var ids = await source.LocateAsync(new ObjectQuery(), cancellationToken).ConfigureAwait(false);
        long copied = 0, there = 0, done = 0;
        var different = new List<string>();
        var keks = new Dictionary<string, long>(StringComparer.Ordinal);
        foreach (var chunk in ids.Chunk(batchSize))
        {
            var objects = new List<StoredObject>(chunk.Length);
            foreach (var id in chunk)
            {
                // Located a moment ago with the store locked for this process: it cannot have gone.
                var obj = await source.GetAsync(id, cancellationToken).ConfigureAwait(false)
                    ?? throw new ObjectStoreException(ObjectStoreError.NotFound, $"Object {id} vanished from the source store during the migration.");
                objects.Add(obj);
                if (obj.WrappedSecret is { } w) keks[w.KekId] = keks.GetValueOrDefault(w.KekId) + 1;
            }
            try
            {
                // The common case, one transaction per chunk; all or nothing, so a collision falls back to one by one.
                await target.InsertAllAsync(objects, cancellationToken).ConfigureAwait(false);
                copied += objects.Count;
            }
            catch (ObjectStoreException e) when (e.Error == ObjectStoreError.AlreadyExists)
            {
                foreach (var obj in objects)
                {
                    var existing = await target.GetAsync(obj.UniqueIdentifier, cancellationToken).ConfigureAwait(false);
                    if (existing is null)
                    {
                        await target.InsertAsync(obj, cancellationToken).ConfigureAwait(false);
                        copied++;
                    }
                    else if (SameContents(obj, existing)) there++;
                    else different.Add(obj.UniqueIdentifier);
                }
            }
            done += chunk.Length;
            progress?.Report((done, ids.Count));
        }
        return new MigrationReport(ids.Count, copied, there, different, keks);
    }

    /// <summary>Equal in everything but the store's own optimistic version (the target numbers its rows from 1).</summary>
    public static bool SameContents(StoredObject a, StoredObject b) =>
        a.UniqueIdentifier == b.UniqueIdentifier && a.ObjectType == b.ObjectType && a.State == b.State && a.Owner == b.Owner
        && a.InitialDate == b.InitialDate && a.LastChangeDate == b.LastChangeDate
        && a.ActivationDate == b.ActivationDate && a.DeactivationDate == b.DeactivationDate && a.DestroyDate == b.DestroyDate && a.ArchiveDate == b.ArchiveDate
        && a.Names.SequenceEqual(b.Names) && a.ObjectGroups.SequenceEqual(b.ObjectGroups)
        && a.Attributes.Count == b.Attributes.Count
        && a.Attributes.Zip(b.Attributes).All(p => p.First.Name == p.Second.Name && p.First.Index == p.Second.Index && p.First.Value.AsSpan().SequenceEqual(p.Second.Value))
        && Same(a.PublicMaterial, b.PublicMaterial)
        && (a.WrappedSecret, b.WrappedSecret) switch
        {
            (null, null) => true,
            ({ } x, { } y) => x.KekId == y.KekId && x.WrapAlgorithm == y.WrapAlgorithm && x.Kind == y.Kind && x.LengthBytes == y.LengthBytes && x.Blob.AsSpan().SequenceEqual(y.Blob),
            _ => false,
        };

    private static bool Same(byte[]? a, byte[]? b) => a is null ? b is null : b is not null && a.AsSpan().SequenceEqual(b);
}
