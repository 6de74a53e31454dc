namespace HsmKmip.Operations.Custody;

/// <summary>
/// Lets a KEK rotation wait for every object creation that may hold a blob wrapped under the previous KEK. A creation
/// holds a lease from before it checks its blob's KEK until its insert is durable; after the backend has switched to a
/// new KEK, <see cref="DrainAsync"/> waits until every lease taken before the call has ended. Leases taken after it
/// see the new KEK as current and re-wrap a stale blob themselves, so once the drain returns, a search for blobs under
/// older KEKs misses none. Two counters alternate by epoch (as in read-copy-update), so steady load never starves a drain.
/// </summary>
public sealed class KekSwitchBarrier
{
    private readonly int[] _inFlight = new int[2];
    private readonly SemaphoreSlim _drains = new(1, 1);
    private int _epoch;

    /// <summary>Takes a lease; dispose it when the created object is stored (or the creation failed).</summary>
    public Lease Enter()
    {
        while (true)
        {
            var epoch = Volatile.Read(ref _epoch);
            Interlocked.Increment(ref _inFlight[epoch & 1]);
            if (Volatile.Read(ref _epoch) == epoch) return new Lease(this, epoch & 1);
            Interlocked.Decrement(ref _inFlight[epoch & 1]);
        }
    }

    /// <summary>Waits until every lease taken before this call has been released.</summary>
    public async Task DrainAsync(CancellationToken cancellationToken)
    {
        await _drains.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            var before = Interlocked.Increment(ref _epoch) - 1;
            while (Volatile.Read(ref _inFlight[before & 1]) != 0) await Task.Delay(5, cancellationToken).ConfigureAwait(false);
        }
        finally
        {
            _drains.Release();
        }
    }

    /// <summary>One creation in flight.</summary>
    public readonly struct Lease : IDisposable
    {
        private readonly KekSwitchBarrier? _owner;
        private readonly int _slot;

        internal Lease(KekSwitchBarrier owner, int slot)
        {
            _owner = owner;
            _slot = slot;
        }

        public void Dispose()
        {
            if (_owner is not null) Interlocked.Decrement(ref _owner._inFlight[_slot]);
        }
    }
}
