using System.Net;

namespace HsmKmip.Server.Listener.Admission;

/// <summary>
/// The connection budgets (issue 17). Connections that have not finished the TLS handshake cost the attacker nothing,
/// so they get a small budget of their own, per source address and in total, and a new one always gets in by evicting
/// the oldest of its own address (or, when the total is full, of the address holding the most): a flood of silent or
/// reopened connections only ever displaces itself. Authenticated connections count against <c>MaxConnections</c> and
/// a per-identity limit; when all are taken the longest-idle connection of the identity holding the most makes room,
/// so one tenant's idle connections never keep another tenant out. One lock: it is taken at accept, at the end of a
/// handshake and at close, never per request.
/// </summary>
internal sealed class ConnectionAdmission
{
    private readonly object _lock = new();
    private readonly int _maxUnauthenticated;
    private readonly int _maxUnauthenticatedPerAddress;
    private readonly int _maxAuthenticated;
    private readonly int _maxPerClient;
    private readonly AdmissionMetrics _metrics;
    // Oldest first: eviction scans from the head.
    private readonly LinkedList<ConnectionTicket> _unauthenticated = new();
    private readonly Dictionary<ConnectionTicket, LinkedListNode<ConnectionTicket>> _unauthenticatedNodes = [];
    private readonly Dictionary<IPAddress, int> _perAddress = [];
    private readonly Dictionary<string, List<ConnectionTicket>> _perClient = new(StringComparer.Ordinal);
    private int _authenticated;

    public ConnectionAdmission(int maxUnauthenticated, int maxUnauthenticatedPerAddress, int maxAuthenticated, int maxPerClient, AdmissionMetrics metrics)
    {
        _maxUnauthenticated = maxUnauthenticated;
        _maxUnauthenticatedPerAddress = Math.Min(maxUnauthenticatedPerAddress, maxUnauthenticated);
        _maxAuthenticated = maxAuthenticated;
        _maxPerClient = Math.Min(maxPerClient, maxAuthenticated);
        _metrics = metrics;
    }

    public int Unauthenticated { get { lock (_lock) return _unauthenticated.Count; } }

    public int Authenticated { get { lock (_lock) return _authenticated; } }

    /// <summary>True while three quarters or more of the authenticated slots are taken: idle connections then get the short timeout.</summary>
    public bool UnderPressure => Volatile.Read(ref _authenticated) * 4 >= _maxAuthenticated * 3;

    /// <summary>Registers a just-accepted connection; always admits it, evicting an older unauthenticated one if needed.</summary>
    public ConnectionTicket Admit(IPAddress address)
    {
        if (address.IsIPv4MappedToIPv6) address = address.MapToIPv4();
        var ticket = new ConnectionTicket(address, Environment.TickCount64);
        ConnectionTicket? victim = null;
        lock (_lock)
        {
            int fromAddress = _perAddress.GetValueOrDefault(address);
            if (fromAddress >= _maxUnauthenticatedPerAddress)
            {
                victim = EvictOldestUnauthenticated(address, "unauthenticated_per_address");
            }
            else if (_unauthenticated.Count >= _maxUnauthenticated)
            {
                victim = EvictOldestUnauthenticated(BusiestAddress(), "unauthenticated_total");
            }
            _unauthenticatedNodes[ticket] = _unauthenticated.AddLast(ticket);
            _perAddress[address] = _perAddress.GetValueOrDefault(address) + 1;
        }
        victim?.Abort();
        return ticket;
    }

    /// <summary>Moves a connection that finished its handshake into the authenticated budget, or says why it cannot.</summary>
    public AdmissionResult Authenticate(ConnectionTicket ticket, string identity)
    {
        ConnectionTicket? victim = null;
        try
        {
            return Authenticate(ticket, identity, out victim);
        }
        finally
        {
            victim?.Abort();
        }
    }

    private AdmissionResult Authenticate(ConnectionTicket ticket, string identity, out ConnectionTicket? victim)
    {
        victim = null;
        lock (_lock)
        {
            if (ticket.State != TicketState.Unauthenticated) return AdmissionResult.Full; // evicted meanwhile
            RemoveUnauthenticated(ticket);
            var own = _perClient.GetValueOrDefault(identity);
            if (own is not null && own.Count >= _maxPerClient)
            {
                ticket.State = TicketState.Gone;
                _metrics.Rejected("client_connection_limit");
                return AdmissionResult.ClientLimit;
            }
            if (_authenticated >= _maxAuthenticated && (victim = EvictIdleOfBusiestClient()) is null)
            {
                ticket.State = TicketState.Gone;
                _metrics.Rejected("connection_limit");
                return AdmissionResult.Full;
            }
            ticket.Identity = identity;
            ticket.State = TicketState.Authenticated;
            ticket.MarkBusy();
            if (own is null) _perClient[identity] = own = [];
            own.Add(ticket);
            Volatile.Write(ref _authenticated, _authenticated + 1);
            return AdmissionResult.Admitted;
        }
    }

    /// <summary>The connection ended: frees whatever it still held.</summary>
    public void Release(ConnectionTicket ticket)
    {
        lock (_lock)
        {
            if (ticket.State == TicketState.Unauthenticated) RemoveUnauthenticated(ticket);
            else if (ticket.State == TicketState.Authenticated) RemoveAuthenticated(ticket);
            ticket.State = TicketState.Gone;
        }
        ticket.Dispose();
    }

    private ConnectionTicket? EvictOldestUnauthenticated(IPAddress address, string reason)
    {
        for (var node = _unauthenticated.First; node is not null; node = node.Next)
        {
            if (!node.Value.Address.Equals(address)) continue;
            var victim = node.Value;
            RemoveUnauthenticated(victim);
            victim.State = TicketState.Gone;
            victim.MarkEvicted(reason);
            _metrics.Rejected(reason);
            return victim;
        }
        return null;
    }

    private IPAddress BusiestAddress()
    {
        IPAddress? busiest = null;
        int most = -1;
        foreach (var (address, count) in _perAddress)
        {
            if (count > most) (busiest, most) = (address, count);
        }
        return busiest!;
    }

    /// <summary>Takes out the longest-idle connection of the identity holding the most connections; null when none is idle.</summary>
    private ConnectionTicket? EvictIdleOfBusiestClient()
    {
        foreach (var (_, tickets) in _perClient.OrderByDescending(p => p.Value.Count))
        {
            ConnectionTicket? victim = null;
            foreach (var t in tickets)
            {
                long idle = t.IdleSince;
                if (idle != 0 && (victim is null || idle < victim.IdleSince)) victim = t;
            }
            if (victim is null) continue;
            RemoveAuthenticated(victim);
            victim.State = TicketState.Gone;
            victim.MarkEvicted("idle_evicted");
            _metrics.Rejected("idle_evicted");
            return victim;
        }
        return null;
    }

    private void RemoveUnauthenticated(ConnectionTicket ticket)
    {
        if (!_unauthenticatedNodes.Remove(ticket, out var node)) return;
        _unauthenticated.Remove(node);
        int left = _perAddress[ticket.Address] - 1;
        if (left == 0) _perAddress.Remove(ticket.Address);
        else _perAddress[ticket.Address] = left;
    }

    private void RemoveAuthenticated(ConnectionTicket ticket)
    {
        var own = _perClient[ticket.Identity!];
        own.Remove(ticket);
        if (own.Count == 0) _perClient.Remove(ticket.Identity!);
        Volatile.Write(ref _authenticated, _authenticated - 1);
    }
}
