using HsmKmip.Core.Keys;
using HsmKmip.Core.Store;

namespace HsmKmip.Server;

/// <summary>
/// Is the daemon able to serve? The HSM session pool answers (<see cref="IKeyBackend.IsHealthyAsync"/>: logged in,
/// the KEK found) and the store answers a read. The systemd watchdog pings only while this says yes.
/// </summary>
public sealed class HealthCheck(IKeyBackend backend, IObjectStore store)
{
    // A well-formed identifier no object has: the read goes through the store's index and finds nothing.
    private const string ProbeId = "00000000-0000-0000-0000-000000000000";

    /// <summary>True when both the HSM and the store answered; false when either failed. May block as long as they do.</summary>
    public async Task<bool> CheckAsync(CancellationToken cancellationToken)
    {
        try
        {
            if (!await backend.IsHealthyAsync(cancellationToken).ConfigureAwait(false)) return false;
            _ = await store.GetAsync(ProbeId, cancellationToken).ConfigureAwait(false);
            return true;
        }
        catch (Exception e) when (e is KeyBackendException or ObjectStoreException or IOException)
        {
            return false;
        }
    }
}
