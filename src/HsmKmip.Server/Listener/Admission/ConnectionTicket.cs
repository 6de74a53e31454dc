using System.Net;

namespace HsmKmip.Server.Listener.Admission;

/// <summary>Where a connection stands in <see cref="ConnectionAdmission"/>.</summary>
internal enum TicketState
{
    /// <summary>Accepted, TLS handshake not finished: counted in the unauthenticated budget.</summary>
    Unauthenticated,
    /// <summary>Handshake done and identity admitted: counted against the connection limits.</summary>
    Authenticated,
    /// <summary>Evicted or closed: counted nowhere any more.</summary>
    Gone,
}

/// <summary>
/// One connection's place in the admission budgets. The connection reads <see cref="Aborted"/> in every wait
/// (first byte, handshake, idle) so that eviction is a cancellation, never a socket torn down under a running request.
/// </summary>
internal sealed class ConnectionTicket : IDisposable
{
    private readonly CancellationTokenSource _abort = new();
    private long _idleSince;

    public ConnectionTicket(IPAddress address, long acceptedAt)
    {
        Address = address;
        AcceptedAt = acceptedAt;
    }

    /// <summary>The source address, IPv4-mapped IPv6 unwrapped, so that both listen modes count one host once.</summary>
    public IPAddress Address { get; }

    public long AcceptedAt { get; }

    /// <summary>The client identity once authenticated.</summary>
    public string? Identity { get; set; }

    /// <summary>Guarded by the admission lock.</summary>
    public TicketState State { get; set; }

    /// <summary>Why it was evicted, for the log line of the connection that ends; null when it was not.</summary>
    public string? EvictedBecause { get; private set; }

    /// <summary>Cancelled when the admission control evicts this connection.</summary>
    public CancellationToken Aborted => _abort.Token;

    /// <summary>Timestamp since which the connection waits for its next request; 0 while a request is in progress.</summary>
    public long IdleSince => Volatile.Read(ref _idleSince);

    public void MarkIdle() => Volatile.Write(ref _idleSince, Math.Max(1, Environment.TickCount64));

    public void MarkBusy() => Volatile.Write(ref _idleSince, 0);

    /// <summary>Marks the ticket evicted; called under the admission lock, after the ticket left every count.</summary>
    public void MarkEvicted(string because) => EvictedBecause = because;

    /// <summary>
    /// Ends the evicted connection's wait. Called outside the admission lock (the cancellation runs the socket's callbacks)
    /// and inline rather than queued: under a flood, one queued work item per eviction is what starves the thread pool.
    /// </summary>
    public void Abort()
    {
        try
        {
            _abort.Cancel();
        }
        catch (ObjectDisposedException)
        {
            // The connection ended on its own meanwhile.
        }
    }

    public void Dispose() => _abort.Dispose();
}
