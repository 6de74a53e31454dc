using System.Buffers;
using System.Net.Security;
using System.Net.Sockets;
using System.Security.Authentication;
using System.Security.Cryptography.X509Certificates;
using HsmKmip.Core;
using HsmKmip.Core.Logging;
using HsmKmip.Server.Configuration;
using HsmKmip.Server.Listener.Admission;
using HsmKmip.Server.Listener.Http;
using HsmKmip.Server.Tls;
using HsmKmip.Ttlv;
using Microsoft.Extensions.Logging;

namespace HsmKmip.Server.Listener;

/// <summary>
/// One client connection: a first-byte deadline, a bounded TLS handshake, the identity from the certificate once and
/// its admission, then read a frame, answer it, repeat — requests on one connection are answered in order. A connection
/// whose first bytes are an HTTP method is handed to <see cref="KmipHttpSession"/> instead (KMIP over HTTPS, same TLS
/// and identity); any other first bytes are answered at once. Every wait also ends when admission control evicts it.
/// </summary>
internal sealed class KmipConnection
{
    // TLS record content type "handshake" (RFC 8446 §5.1, RFC 5246 §6.2.1): the first byte of every ClientHello.
    private const byte TlsHandshakeRecord = 0x16;
    private readonly ConnectionContext _context;
    private readonly Socket _socket;
    private readonly ServerTlsContext _tls;
    private readonly ServerOptions _options;
    private readonly IKmipMessageHandler _handler;
    private readonly ILogger _logger;
    private readonly string _remote;
    private readonly TtlvLimits _limits;

    public KmipConnection(Socket socket, ServerTlsContext tls, ServerOptions options, IKmipMessageHandler handler, ILogger logger, ConnectionContext context)
    {
        _context = context;
        _socket = socket;
        _tls = tls;
        _options = options;
        _handler = handler;
        _logger = logger;
        _remote = socket.RemoteEndPoint?.ToString() ?? "unknown";
        _limits = new TtlvLimits { MaxMessageSize = options.MaxMessageSize };
    }

    /// <summary>This connection's place in the admission budgets.</summary>
    public ConnectionTicket Ticket => _context.Ticket;

    /// <summary>SHA-256 fingerprint of the client certificate once the handshake succeeded; null before.</summary>
    public string? Fingerprint { get; private set; }

    /// <summary>Serves the connection until the client closes it, it idles out, or <paramref name="stopping"/> fires between requests.</summary>
    public async Task RunAsync(CancellationToken stopping)
    {
        if (!await FirstByteAsync(stopping).ConfigureAwait(false)) return;
        await using var network = new NetworkStream(_socket, ownsSocket: true);
        await using var ssl = new SslStream(network, leaveInnerStreamOpen: false);
        var principal = await HandshakeAsync(ssl, stopping).ConfigureAwait(false);
        if (principal is null || !Admit(principal)) return;

        long requests = 0;
        bool first = true;
        var header = new byte[TtlvFrameScanner.HeaderLength];
        try
        {
            while (true)
            {
                int got;
                Ticket.MarkIdle();
                using (var idle = CancellationTokenSource.CreateLinkedTokenSource(stopping, Ticket.Aborted))
                {
                    idle.CancelAfter(_context.Admission.UnderPressure ? _options.IdleTimeoutUnderPressure : _options.IdleTimeout);
                    try
                    {
                        got = first
                            ? await ReadFirstAsync(ssl, header, idle.Token).ConfigureAwait(false)
                            : await ssl.ReadAtLeastAsync(header, header.Length, throwOnEndOfStream: false, idle.Token).ConfigureAwait(false);
                    }
                    catch (OperationCanceledException) when (Ticket.Aborted.IsCancellationRequested)
                    {
                        if (ShouldLog("idle_evicted", out long suppressed)) Log.IdleEvicted(_logger, principal.Identity, _remote, suppressed);
                        return;
                    }
                    catch (OperationCanceledException) when (!stopping.IsCancellationRequested)
                    {
                        Log.IdleClosed(_logger, principal.Identity, _remote);
                        return;
                    }
                    catch (OperationCanceledException)
                    {
                        return;
                    }
                }
                Ticket.MarkBusy();
                if (got == 0) break;
                if (first)
                {
                    var sniffed = ProtocolSniffer.Classify(header.AsSpan(0, got));
                    if (sniffed == SniffResult.Http && _options.Http)
                    {
                        // KMIP Profiles 1.4 §5.3: the same port and TLS session may carry HTTP instead of raw TTLV.
                        requests = await new KmipHttpSession(ssl, _handler, _options, _logger, principal, _remote, _context.FaultLog).RunAsync(header.AsMemory(0, got), stopping).ConfigureAwait(false);
                        return;
                    }
                    if (sniffed != SniffResult.Ttlv)
                    {
                        _context.Metrics.Rejected("not_kmip");
                        if (ShouldLog("not_kmip", out long suppressed)) Log.NotKmip(_logger, principal.Identity, _remote, Convert.ToHexString(header, 0, Math.Min(got, 4)), suppressed);
                        await WriteAsync(ssl, _handler.FramingError(FramingFault.NotAMessage, "The connection carries neither a KMIP TTLV message nor an HTTP request.")).ConfigureAwait(false);
                        break;
                    }
                    if (got < header.Length)
                    {
                        using var rest = new CancellationTokenSource(_options.RequestReadTimeout);
                        got += await ssl.ReadAtLeastAsync(header.AsMemory(got), header.Length - got, throwOnEndOfStream: false, rest.Token).ConfigureAwait(false);
                    }
                }
                first = false;
                if (got < header.Length)
                {
                    LogFramingLost(principal, $"connection closed inside a message header ({got} of 8 bytes)");
                    break;
                }
                if (TtlvFrameScanner.TryGetFrameLength(header, _limits, out int frameLength, out var error) != OperationStatus.Done)
                {
                    var fault = error!.Error == TtlvError.TooLarge ? FramingFault.TooLarge : FramingFault.NotAMessage;
                    LogFramingLost(principal, error.Message);
                    await WriteAsync(ssl, _handler.FramingError(fault, error.Message)).ConfigureAwait(false);
                    break;
                }
                var frame = ArrayPool<byte>.Shared.Rent(frameLength);
                try
                {
                    header.CopyTo(frame, 0);
                    using (var body = new CancellationTokenSource(_options.RequestReadTimeout))
                    {
                        int read = await ssl.ReadAtLeastAsync(frame.AsMemory(8, frameLength - 8), frameLength - 8, throwOnEndOfStream: false, body.Token).ConfigureAwait(false);
                        if (read < frameLength - 8)
                        {
                            LogFramingLost(principal, $"connection closed after {read} of {frameLength - 8} message bytes");
                            break;
                        }
                    }
                    var response = await _handler.HandleAsync(frame.AsMemory(0, frameLength), principal, CancellationToken.None).ConfigureAwait(false);
                    requests++;
                    await WriteAsync(ssl, response).ConfigureAwait(false);
                }
                finally
                {
                    // The request may have carried key material (Register, Import): clear it before the pool reuses it.
                    frame.AsSpan(0, frameLength).Clear();
                    ArrayPool<byte>.Shared.Return(frame);
                }
            }
        }
        catch (OperationCanceledException)
        {
            LogFramingLost(principal, $"message not complete within {_options.RequestReadTimeout.TotalSeconds}s");
        }
        catch (IOException e)
        {
            Log.ConnectionError(_logger, principal.Identity, _remote, e.Message);
        }
        catch (SocketException e)
        {
            Log.ConnectionError(_logger, principal.Identity, _remote, e.Message);
        }
        finally
        {
            Log.Closed(_logger, principal.Identity, _remote, requests);
        }
    }

    /// <summary>
    /// Waits for the first byte without reading it (the TLS stack must see the whole ClientHello): silent connections
    /// are closed after the short first-byte deadline, anything that is not a TLS handshake record at once.
    /// </summary>
    private async Task<bool> FirstByteAsync(CancellationToken stopping)
    {
        var first = new byte[1];
        using var deadline = CancellationTokenSource.CreateLinkedTokenSource(stopping, Ticket.Aborted);
        deadline.CancelAfter(_options.FirstByteTimeout);
        int got;
        try
        {
            got = await _socket.ReceiveAsync(first, SocketFlags.Peek, deadline.Token).ConfigureAwait(false);
        }
        catch (OperationCanceledException) when (Ticket.EvictedBecause is { } because)
        {
            Unadmitted($"evicted before its first byte ({because})", because);
            _socket.Dispose();
            return false;
        }
        catch (OperationCanceledException)
        {
            if (!stopping.IsCancellationRequested) Unadmitted($"no TLS ClientHello within {_options.FirstByteTimeout.TotalSeconds}s", "first_byte_timeout");
            _socket.Dispose();
            return false;
        }
        catch (SocketException)
        {
            _socket.Dispose();
            return false;
        }
        if (got == 1 && first[0] != TlsHandshakeRecord)
        {
            // Plain KMIP or HTTP sent to a TLS port: no TLS alert can be framed for it, so the answer is the close.
            Unadmitted($"first byte 0x{first[0]:X2} does not start a TLS handshake", "not_tls");
        }
        if (got == 1 && first[0] == TlsHandshakeRecord) return true;
        _socket.Dispose();
        return false;
    }

    /// <summary>
    /// Reads the first bytes of the first request, stopping as soon as <see cref="ProtocolSniffer"/> can tell what they
    /// are, so that garbage is answered at its first byte instead of waiting for a whole header.
    /// </summary>
    private static async Task<int> ReadFirstAsync(SslStream ssl, byte[] header, CancellationToken cancellationToken)
    {
        int got = 0;
        while (got < header.Length)
        {
            int n = await ssl.ReadAsync(header.AsMemory(got), cancellationToken).ConfigureAwait(false);
            if (n == 0) return got;
            got += n;
            if (ProtocolSniffer.Classify(header.AsSpan(0, got)) != SniffResult.NeedMore) return got;
        }
        return got;
    }

    private bool Admit(ClientPrincipal principal)
    {
        var result = _context.Admission.Authenticate(Ticket, principal.Identity);
        if (result == AdmissionResult.Admitted) return true;
        if (result == AdmissionResult.ClientLimit)
        {
            if (ShouldLog("client_limit", out long suppressed)) Log.ClientConnectionLimit(_logger, principal.Identity, _remote, Math.Min(_options.MaxConnectionsPerClient, _options.MaxConnections), suppressed);
        }
        else if (ShouldLog("connection_limit", out long suppressed))
        {
            Log.ConnectionLimit(_logger, _options.MaxConnections, principal.Identity, _remote, suppressed);
        }
        return false;
    }

    private void Unadmitted(string reason, string metric)
    {
        if (metric is "first_byte_timeout" or "not_tls") _context.Metrics.Rejected(metric); // evictions are counted where they happen
        if (ShouldLog("unadmitted", out long suppressed)) Log.Unadmitted(_logger, _remote, reason, suppressed);
    }

    private void LogFramingLost(ClientPrincipal principal, string reason)
    {
        if (ShouldLog("framing", out long suppressed)) Log.FramingLost(_logger, principal.Identity, _remote, reason, suppressed);
    }

    private bool ShouldLog(string kind, out long suppressed) =>
        _context.FaultLog.ShouldLog(FaultLogLimiter.ClientOf(_remote), kind, out suppressed);

    private static async Task WriteAsync(SslStream ssl, byte[] response)
    {
        try
        {
            await ssl.WriteAsync(response).ConfigureAwait(false);
            await ssl.FlushAsync().ConfigureAwait(false);
        }
        finally
        {
            Array.Clear(response);
        }
    }

    private async Task<ClientPrincipal?> HandshakeAsync(SslStream ssl, CancellationToken stopping)
    {
        string? refusal = null;
        var options = _tls.CreateAuthenticationOptions(reason => refusal = reason);
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(stopping, Ticket.Aborted);
        timeout.CancelAfter(_options.HandshakeTimeout);
        try
        {
            await ssl.AuthenticateAsServerAsync(options, timeout.Token).ConfigureAwait(false);
        }
        catch (OperationCanceledException) when (Ticket.EvictedBecause is { } because)
        {
            Unadmitted($"evicted during its handshake ({because})", because);
            return null;
        }
        catch (OperationCanceledException)
        {
            _context.Metrics.Rejected("handshake_timeout");
            if (ShouldLog("handshake", out long suppressed)) Log.HandshakeFailed(_logger, _remote, $"not finished within {_options.HandshakeTimeout.TotalSeconds}s", suppressed);
            ListenerMetrics.Handshake("timeout");
            return null;
        }
        catch (AuthenticationException e)
        {
            if (refusal is not null)
            {
                if (ShouldLog("certificate", out long suppressed)) Log.CertificateRefused(_logger, _remote, refusal, suppressed);
            }
            else if (ShouldLog("handshake", out long suppressed))
            {
                Log.HandshakeFailed(_logger, _remote, e.InnerException?.Message ?? e.Message, suppressed);
            }
            ListenerMetrics.Handshake(refusal is not null ? "refused_certificate" : "failed");
            return null;
        }
        catch (IOException)
        {
            Log.HandshakeAborted(_logger, _remote);
            ListenerMetrics.Handshake("aborted");
            return null;
        }

        if (ssl.RemoteCertificate is not X509Certificate2 certificate)
        {
            if (ShouldLog("certificate", out long suppressed)) Log.CertificateRefused(_logger, _remote, "no client certificate", suppressed);
            ListenerMetrics.Handshake("refused_certificate");
            return null;
        }
        var identity = ClientIdentityReader.Read(certificate, _options.ClientIdentity);
        if (identity is null)
        {
            if (ShouldLog("certificate", out long suppressed)) Log.NoIdentity(_logger, _remote, _options.ClientIdentity.ToString(), suppressed);
            ListenerMetrics.Handshake("no_identity");
            return null;
        }
        Log.Connected(_logger, identity, _remote, ssl.SslProtocol.ToString(), ssl.NegotiatedCipherSuite.ToString());
        ListenerMetrics.Handshake("ok");
        Fingerprint = ClientIdentityReader.Fingerprint(certificate);
        return new ClientPrincipal(identity, Fingerprint, _remote);
    }
}
