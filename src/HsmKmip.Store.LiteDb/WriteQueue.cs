namespace HsmKmip.Store.LiteDb;

/// <summary>
/// The writes waiting for the writer thread. A plain queue under a monitor: the writer blocks in
/// <see cref="Monitor.Wait(object)"/> until a write arrives and takes everything there is (up to a batch), so a lone
/// write starts at once and never waits for a timer, and nothing spins (BlockingCollection's SemaphoreSlim spun
/// with sched_yield before blocking, once per write).
/// </summary>
internal sealed class WriteQueue<T>
{
    private readonly Queue<T> _items = new();
    private readonly object _gate = new();
    private bool _completed;

    /// <summary>Adds a write; false once <see cref="Complete"/> was called.</summary>
    public bool TryAdd(T item)
    {
        lock (_gate)
        {
            if (_completed) return false;
            _items.Enqueue(item);
            if (_items.Count == 1) Monitor.Pulse(_gate);
            return true;
        }
    }

    /// <summary>No more writes; the writer drains what is there and stops.</summary>
    public void Complete()
    {
        lock (_gate)
        {
            _completed = true;
            Monitor.PulseAll(_gate);
        }
    }

    /// <summary>
    /// Blocks until there is at least one write (or returns at once with none when <paramref name="wait"/> is false: the
    /// writer has background work), then moves up to <paramref name="max"/> into <paramref name="batch"/>; false when
    /// completed and empty.
    /// </summary>
    public bool TakeBatch(List<T> batch, int max, bool wait = true)
    {
        lock (_gate)
        {
            while (_items.Count == 0)
            {
                if (_completed) return false;
                if (!wait) return true;
                Monitor.Wait(_gate);
            }
            while (batch.Count < max && _items.TryDequeue(out var item)) batch.Add(item);
            return true;
        }
    }
}
