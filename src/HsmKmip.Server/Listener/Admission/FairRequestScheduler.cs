namespace HsmKmip.Server.Listener.Admission;

/// <summary>
/// Fair scheduling of requests between client identities under overload: at most <c>MaxConcurrentRequests</c> run at
/// once and at most <c>MaxRequestsPerClient</c> of one identity; the rest wait in a FIFO queue per identity, and a freed
/// slot goes to the next identity in round-robin order. A queue per identity rather than a token bucket: the bucket
/// needs a rate, and the right rate depends on the HSM behind it (SoftHSM, a network HSM) and on the operation mix; the
/// queue needs none, gives a lone client the whole server, and under contention gives every busy client an equal share
/// of the slots, whatever its number of connections. Below the limits a request passes with one lock and no wait.
/// </summary>
internal sealed class FairRequestScheduler
{
    private readonly object _lock = new();
    private readonly int _maxRunning;
    private readonly int _maxPerClient;
    private readonly Dictionary<string, ClientQueue> _clients = new(StringComparer.Ordinal);
    // Clients with a waiting request and a free per-client slot, in the order they get the next global slot.
    private readonly LinkedList<ClientQueue> _ready = new();
    private int _running;
    private int _queued;

    public FairRequestScheduler(int maxRunning, int maxPerClient)
    {
        _maxRunning = maxRunning;
        _maxPerClient = Math.Min(maxPerClient, maxRunning);
    }

    public int Running { get { lock (_lock) return _running; } }

    public int Queued { get { lock (_lock) return _queued; } }

    /// <summary>Waits for a slot for one request of <paramref name="identity"/>; dispose the lease when the answer is made.</summary>
    public ValueTask<Lease> EnterAsync(string identity)
    {
        TaskCompletionSource waiter;
        ClientQueue client;
        lock (_lock)
        {
            if (!_clients.TryGetValue(identity, out client!)) _clients[identity] = client = new ClientQueue(identity);
            if (_running < _maxRunning && client.Running < _maxPerClient && _ready.Count == 0)
            {
                _running++;
                client.Running++;
                return ValueTask.FromResult(new Lease(this, client));
            }
            waiter = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
            client.Waiters.Enqueue(waiter);
            _queued++;
            if (client.Running < _maxPerClient && client.Node.List is null) _ready.AddLast(client.Node);
            Dispatch(); // a slot may be free while others wait only for their per-client share
        }
        return WaitAsync(waiter, client);
    }

    private async ValueTask<Lease> WaitAsync(TaskCompletionSource waiter, ClientQueue client)
    {
        await waiter.Task.ConfigureAwait(false);
        return new Lease(this, client);
    }

    private void Exit(ClientQueue client)
    {
        lock (_lock)
        {
            _running--;
            client.Running--;
            if (client.Waiters.Count > 0 && client.Node.List is null) _ready.AddLast(client.Node);
            Dispatch();
            if (client.Running == 0 && client.Waiters.Count == 0) _clients.Remove(client.Identity);
        }
    }

    /// <summary>Hands free slots to waiting clients, one request per client per turn. Called under the lock.</summary>
    private void Dispatch()
    {
        while (_running < _maxRunning && _ready.First is { } node)
        {
            var client = node.Value;
            _ready.RemoveFirst();
            var waiter = client.Waiters.Dequeue();
            _queued--;
            _running++;
            client.Running++;
            if (client.Waiters.Count > 0 && client.Running < _maxPerClient) _ready.AddLast(node);
            waiter.SetResult();
        }
    }

    /// <summary>One running request's slot.</summary>
    public readonly struct Lease(FairRequestScheduler scheduler, ClientQueue client) : IDisposable
    {
        public void Dispose() => scheduler.Exit(client);
    }

    /// <summary>One identity's waiting requests and how many of its requests run.</summary>
    internal sealed class ClientQueue
    {
        public ClientQueue(string identity)
        {
            Identity = identity;
            Node = new LinkedListNode<ClientQueue>(this);
        }

        public string Identity { get; }

        public LinkedListNode<ClientQueue> Node { get; }

        public Queue<TaskCompletionSource> Waiters { get; } = new();

        public int Running { get; set; }
    }
}
