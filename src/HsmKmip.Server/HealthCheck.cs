using HsmKmip.Core.Keys;
using HsmKmip.Core.Store;

namespace HsmKmip.Server;

/// <summary>
/// Is the daemon able to serve? The HSM session pool answers (<see cref="IKeyBackend.IsHealthyAsync"/>: logged in,
/// the KEK found), the store answers a read, and — for /readyz — the store still commits (<see cref="StoreWritability"/>,
/// when the store offers a write probe). The systemd watchdog pings while the HSM and the store's reads answer: it
/// exists to restart a hung process, and a restart frees neither a full disk nor a read-only database, while the
/// daemon still serves Get and Locate meanwhile.
/// </summary>
public sealed class HealthCheck
{
    // A well-formed identifier no object has: the read goes through the store's index and finds nothing.
    private const string ProbeId = "00000000-0000-0000-0000-000000000000";

    private readonly IKeyBackend _backend;
    private readonly IObjectStore _store;
    private readonly StoreWritability? _writability;

    internal HealthCheck(IKeyBackend backend, IObjectStore store, StoreWritability? writability)
    {
        _backend = backend;
        _store = store;
        _writability = writability;
    }

    /// <summary>A check of the HSM and the store's reads only (no write probe).</summary>
    public HealthCheck(IKeyBackend backend, IObjectStore store) : this(backend, store, null) { }

    /// <summary>True when both the HSM and the store answered; false when either failed. May block as long as they do.</summary>
    public async Task<bool> CheckAsync(CancellationToken cancellationToken) =>
        await HsmProblemAsync(cancellationToken).ConfigureAwait(false) is null && await ReadProblemAsync(cancellationToken).ConfigureAwait(false) is null;

    /// <summary>
    /// Null when the HSM answers, the store (with a write probe) committed within its cache bound and answers a read;
    /// otherwise the first reason it cannot serve ("HSM not answering", "store not writable: …").
    /// </summary>
    public async Task<string?> ReadinessProblemAsync(CancellationToken cancellationToken)
    {
        if (await HsmProblemAsync(cancellationToken).ConfigureAwait(false) is { } hsm) return hsm;
        if (_writability is not null)
        {
            try
            {
                // Before the read: a store that failed a write may fail reads too (LiteDB closes itself), and the write's reason is the useful one.
                if (await _writability.ProblemAsync(cancellationToken).ConfigureAwait(false) is { } failure) return "store not writable: " + failure;
            }
            catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
            {
                return "store not writable: its write probe did not commit in time";
            }
        }
        return await ReadProblemAsync(cancellationToken).ConfigureAwait(false);
    }

    private async Task<string?> HsmProblemAsync(CancellationToken cancellationToken)
    {
        try
        {
            return await _backend.IsHealthyAsync(cancellationToken).ConfigureAwait(false) ? null : "HSM not answering";
        }
        catch (Exception e) when (e is KeyBackendException or IOException or OperationCanceledException)
        {
            return "HSM not answering";
        }
    }

    private async Task<string?> ReadProblemAsync(CancellationToken cancellationToken)
    {
        try
        {
            _ = await _store.GetAsync(ProbeId, cancellationToken).ConfigureAwait(false);
            return null;
        }
        catch (Exception e) when (e is ObjectStoreException or IOException or OperationCanceledException)
        {
            return "store not answering a read";
        }
    }
}
