using System.Collections.Concurrent;
using System.Net;
using System.Net.Sockets;
using HsmKmip.Core;
using HsmKmip.Core.Logging;
using HsmKmip.Server.Configuration;
using HsmKmip.Server.Listener.Admission;
using HsmKmip.Server.Tls;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace HsmKmip.Server.Listener;

/// <summary>
/// Binds every configured endpoint in <see cref="StartAsync"/> — so systemd's READY=1, sent once all hosted
/// services have started, means clients can connect — and serves each accepted connection on its own task.
/// Stopping closes the listeners, lets connections finish their current request, then aborts the rest.
/// Every connection passes <see cref="ConnectionAdmission"/> (connection budgets) and every request the
/// <see cref="FairRequestScheduler"/> (a queue per client identity).
/// </summary>
public sealed class KmipListener : IHostedService, IAsyncDisposable
{
    private readonly ServerOptions _options;
    private volatile ServerTlsContext _tls;
    private readonly IKmipMessageHandler _handler;
    private readonly ILogger<KmipListener> _logger;
    private readonly List<Socket> _listeners = [];
    private readonly List<Task> _acceptLoops = [];
    private readonly ConcurrentDictionary<long, (Socket Socket, Task Task, KmipConnection Connection)> _connections = new();
    private readonly CancellationTokenSource _stopping = new();
    private readonly AdmissionMetrics _metrics = new();
    private readonly ConnectionAdmission _admission;
    private readonly FaultLogLimiter _faultLog;
    private long _nextId;
    private int _disposed;

    public KmipListener(ServerOptions options, ServerTlsContext tls, IKmipMessageHandler handler, ILogger<KmipListener> logger)
    {
        _options = options;
        _tls = tls;
        _logger = logger;
        _admission = new ConnectionAdmission(options.MaxUnauthenticated, options.MaxUnauthenticatedPerAddress, options.MaxConnections, options.MaxConnectionsPerClient, _metrics);
        var scheduler = new FairRequestScheduler(options.MaxConcurrentRequests, options.MaxRequestsPerClient);
        _handler = new ScheduledMessageHandler(handler, scheduler);
        _faultLog = new FaultLogLimiter(options.FaultLogInterval);
        _metrics.Observe(_admission, scheduler);
    }

    /// <summary>
    /// The endpoints actually bound (port 0 in the options becomes the port the kernel chose), recorded at bind time: the
    /// cluster heartbeat may ask while the host stops and the sockets are already disposed.
    /// </summary>
    public IReadOnlyList<IPEndPoint> BoundEndpoints => _bound;

    private volatile IPEndPoint[] _bound = [];

    /// <summary>
    /// New handshakes use <paramref name="tls"/> from now on; open connections keep the context they were accepted
    /// with. The old context is not disposed: a handshake may still be using its certificates (the GC frees it).
    /// </summary>
    public void ReplaceTls(ServerTlsContext tls) => _tls = tls;

    /// <summary>The TLS settings new connections get now (metrics read certificate expiry from it).</summary>
    public ServerTlsContext Tls => _tls;

    private static readonly TimeSpan RevokeGrace = TimeSpan.FromSeconds(5);

    /// <summary>Connections being served now.</summary>
    public int ConnectionCount => _connections.Count;

    /// <summary>
    /// Closes every connection whose client authenticated with the certificate of this SHA-256 fingerprint (after
    /// `hsmkmip client revoke`); a request in progress loses its answer. Returns how many were closed.
    /// </summary>
    public int CloseConnectionsOf(string fingerprint)
    {
        int closed = 0;
        foreach (var (socket, _, connection) in _connections.Values)
        {
            if (!string.Equals(connection.Fingerprint, fingerprint, StringComparison.OrdinalIgnoreCase)) continue;
            // The connection ends itself with close_notify (an idle one at once, a busy one after its answer); a
            // connection that does not within the grace time is cut.
            connection.Revoke();
            _ = Task.Delay(RevokeGrace).ContinueWith(_ => socket.Dispose(), TaskScheduler.Default);
            closed++;
        }
        return closed;
    }

    public Task StartAsync(CancellationToken cancellationToken)
    {
        Log.ServerCertificate(_logger, _tls.ServerSubject, _tls.ServerNotAfter);
        foreach (var endpoint in _options.Listen)
        {
            var socket = ListeningSocket.Open(endpoint, 512);
            _listeners.Add(socket);
            Log.Listening(_logger, socket.LocalEndPoint!.ToString()!);
        }
        _bound = _listeners.Select(l => (IPEndPoint)l.LocalEndPoint!).ToArray();
        foreach (var socket in _listeners) _acceptLoops.Add(AcceptLoopAsync(socket));
        return Task.CompletedTask;
    }

    public async Task StopAsync(CancellationToken cancellationToken)
    {
        foreach (var l in _listeners) l.Dispose();
        await Task.WhenAll(_acceptLoops).ConfigureAwait(false);
        Log.Draining(_logger, _options.ShutdownDrainTimeout.TotalSeconds, _connections.Count);
        await _stopping.CancelAsync().ConfigureAwait(false);
        var all = Task.WhenAll(_connections.Values.Select(c => c.Task));
        await Task.WhenAny(all, Task.Delay(_options.ShutdownDrainTimeout, cancellationToken)).ConfigureAwait(false);
        foreach (var (socket, _, _) in _connections.Values)
        {
            try { socket.Shutdown(SocketShutdown.Both); } catch (SocketException) { } catch (ObjectDisposedException) { }
            socket.Dispose();
        }
    }

    public async ValueTask DisposeAsync()
    {
        // The container may dispose this twice (it is both a singleton and the hosted service's instance).
        if (Interlocked.Exchange(ref _disposed, 1) != 0) return;
        foreach (var l in _listeners) l.Dispose();
        await _stopping.CancelAsync().ConfigureAwait(false);
        _stopping.Dispose();
        _metrics.Dispose();
    }

    private async Task AcceptLoopAsync(Socket listener)
    {
        while (true)
        {
            // While connections queue in the backlog, AcceptAsync completes synchronously and this loop would keep its
            // pool thread, queueing work (new connections, evictions) ahead of everything else under a reopen flood.
            // Yielding each turn puts the loop behind the work it made (issue 17).
            await Task.Yield();
            Socket client;
            try
            {
                client = await listener.AcceptAsync().ConfigureAwait(false);
            }
            catch (ObjectDisposedException)
            {
                return;
            }
            catch (SocketException e) when (e.SocketErrorCode is SocketError.OperationAborted or SocketError.Interrupted or SocketError.InvalidArgument)
            {
                return;
            }
            catch (SocketException)
            {
                continue; // ECONNABORTED and friends: the peer gave up before accept; keep serving.
            }
            ConnectionTicket ticket;
            try
            {
                client.NoDelay = true;
                client.SetSocketOption(SocketOptionLevel.Socket, SocketOptionName.KeepAlive, true);
                // Admission never blocks the accept loop: it always admits, evicting an older unauthenticated connection.
                ticket = _admission.Admit(((IPEndPoint)client.RemoteEndPoint!).Address);
            }
            catch (SocketException)
            {
                client.Dispose(); // reset before we could look at it
                continue;
            }
            long id = Interlocked.Increment(ref _nextId);
            var connection = new KmipConnection(client, _tls, _options, _handler, _logger, new ConnectionContext(ticket, _admission, _metrics, _faultLog));
            var gate = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
            var task = ServeAsync(id, connection, gate.Task);
            _connections[id] = (client, task, connection);
            gate.SetResult();
        }
    }

    private async Task ServeAsync(long id, KmipConnection connection, Task registered)
    {
        await registered.ConfigureAwait(false);
        ListenerMetrics.Connection(1);
        try
        {
            await connection.RunAsync(_stopping.Token).ConfigureAwait(false);
        }
#pragma warning disable CA1031 // One connection's fault must never take the daemon down; it is logged with its stack.
        catch (Exception e)
#pragma warning restore CA1031
        {
            Log.ConnectionFault(_logger, e, "?", id.ToString(System.Globalization.CultureInfo.InvariantCulture));
        }
        finally
        {
            ListenerMetrics.Connection(-1);
            _connections.TryRemove(id, out _);
            _admission.Release(connection.Ticket);
        }
    }
}
