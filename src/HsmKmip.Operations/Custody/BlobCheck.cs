using HsmKmip.Core.Keys;
using HsmKmip.Core.Store;

namespace HsmKmip.Operations.Custody;

/// <summary>
/// Whether the token can open every wrapped secret of a store (restore refuses a store it cannot). Each blob is
/// unwrapped into a session object that is destroyed at once; nothing is read out.
/// </summary>
public static class BlobCheck
{
    /// <summary>Checks every wrapped secret in <paramref name="store"/> against <paramref name="backend"/>.</summary>
    public static async Task<BlobCheckReport> RunAsync(IObjectStore store, IKeyBackend backend, IProgress<(long Done, long Total)>? progress, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(store);
        ArgumentNullException.ThrowIfNull(backend);
        var onToken = (await backend.ListKeksAsync(cancellationToken).ConfigureAwait(false)).Select(k => k.Label).ToHashSet(StringComparer.Ordinal);
        var ids = await store.LocateAsync(new ObjectQuery { WrappedNotBy = "" }, cancellationToken).ConfigureAwait(false);
        var byKek = new Dictionary<string, long>(StringComparer.Ordinal);
        var missing = new Dictionary<string, long>(StringComparer.Ordinal);
        var failing = new Dictionary<string, long>(StringComparer.Ordinal);
        long done = 0;
        foreach (var id in ids)
        {
            if (await store.GetAsync(id, cancellationToken).ConfigureAwait(false) is not { WrappedSecret: { } blob }) continue;
            Count(byKek, blob.KekId);
            if (!onToken.Contains(blob.KekId))
            {
                Count(missing, blob.KekId);
            }
            else
            {
                try
                {
                    await backend.VerifyAsync(blob, cancellationToken).ConfigureAwait(false);
                }
                catch (KeyBackendException e) when (e.Error is KeyBackendError.CorruptBlob or KeyBackendError.NotSupported)
                {
                    Count(failing, blob.KekId);
                }
            }
            if (++done % 100 == 0) progress?.Report((done, ids.Count));
        }
        progress?.Report((done, ids.Count));
        return new BlobCheckReport(done, byKek, missing, failing);
    }

    private static void Count(Dictionary<string, long> counts, string kek) => counts[kek] = counts.GetValueOrDefault(kek) + 1;
}

/// <summary>The outcome of a <see cref="BlobCheck"/>.</summary>
/// <param name="Blobs">Wrapped secrets checked.</param>
/// <param name="ByKek">Wrapped secrets per KEK label.</param>
/// <param name="MissingKeks">Blobs per KEK label the token does not hold.</param>
/// <param name="NotOpening">Blobs per KEK label that the token's key of that label does not open (another token's KEK, or damage).</param>
public sealed record BlobCheckReport(long Blobs, IReadOnlyDictionary<string, long> ByKek, IReadOnlyDictionary<string, long> MissingKeks, IReadOnlyDictionary<string, long> NotOpening)
{
    /// <summary>True when every blob opens.</summary>
    public bool AllOpen => MissingKeks.Count == 0 && NotOpening.Count == 0;

    /// <summary>One sentence per problem, naming the KEK labels, for the operator.</summary>
    public string Describe(string tokenLabel)
    {
        var parts = MissingKeks.Select(m => $"{m.Value} of the {Blobs} wrapped keys need KEK {m.Key}, which token '{tokenLabel}' does not hold")
            .Concat(NotOpening.Select(f => $"{f.Value} of the {Blobs} wrapped keys do not unwrap under token '{tokenLabel}''s {f.Key} (it is another token's KEK of the same label, or the blobs are damaged)"));
        return string.Join("; ", parts) + ".";
    }
}
