using System.Buffers;
using System.Net.Security;
using System.Net.Sockets;
using System.Security.Authentication;
using System.Security.Cryptography.X509Certificates;
using HsmKmip.Core;
using HsmKmip.Server.Configuration;
using HsmKmip.Server.Listener.Http;
using HsmKmip.Server.Tls;
using HsmKmip.Ttlv;
using Microsoft.Extensions.Logging;

namespace HsmKmip.Server.Listener;

/// <summary>
/// One client connection: a bounded TLS handshake, the identity from the certificate once, then
/// read a frame, answer it, repeat — requests on one connection are answered in order. A connection whose first bytes
/// are an HTTP method is handed to <see cref="KmipHttpSession"/> instead (KMIP over HTTPS, same TLS and identity).
/// </summary>
internal sealed class KmipConnection
{
    private readonly Socket _socket;
    private readonly ServerTlsContext _tls;
    private readonly ServerOptions _options;
    private readonly IKmipMessageHandler _handler;
    private readonly ILogger _logger;
    private readonly string _remote;
    private readonly TtlvLimits _limits;

    public KmipConnection(Socket socket, ServerTlsContext tls, ServerOptions options, IKmipMessageHandler handler, ILogger logger)
    {
        _socket = socket;
        _tls = tls;
        _options = options;
        _handler = handler;
        _logger = logger;
        _remote = socket.RemoteEndPoint?.ToString() ?? "unknown";
        _limits = new TtlvLimits { MaxMessageSize = options.MaxMessageSize };
    }

    /// <summary>SHA-256 fingerprint of the client certificate once the handshake succeeded; null before.</summary>
    public string? Fingerprint { get; private set; }

    /// <summary>Serves the connection until the client closes it, it idles out, or <paramref name="stopping"/> fires between requests.</summary>
    public async Task RunAsync(CancellationToken stopping)
    {
        await using var network = new NetworkStream(_socket, ownsSocket: true);
        await using var ssl = new SslStream(network, leaveInnerStreamOpen: false);
        var principal = await HandshakeAsync(ssl, stopping).ConfigureAwait(false);
        if (principal is null) return;

        long requests = 0;
        bool first = true;
        var header = new byte[TtlvFrameScanner.HeaderLength];
        try
        {
            while (true)
            {
                int got;
                using (var idle = CancellationTokenSource.CreateLinkedTokenSource(stopping))
                {
                    idle.CancelAfter(_options.IdleTimeout);
                    try
                    {
                        got = await ssl.ReadAtLeastAsync(header, header.Length, throwOnEndOfStream: false, idle.Token).ConfigureAwait(false);
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
                if (got == 0) break;
                if (first && _options.Http && KmipHttpSession.LooksLikeHttp(header.AsSpan(0, got)))
                {
                    // KMIP Profiles 1.4 §5.3: the same port and TLS session may carry HTTP instead of raw TTLV.
                    requests = await new KmipHttpSession(ssl, _handler, _options, _logger, principal, _remote).RunAsync(header.AsMemory(0, got), stopping).ConfigureAwait(false);
                    return;
                }
                first = false;
                if (got < header.Length)
                {
                    Log.FramingLost(_logger, principal.Identity, _remote, $"connection closed inside a message header ({got} of 8 bytes)");
                    break;
                }
                if (TtlvFrameScanner.TryGetFrameLength(header, _limits, out int frameLength, out var error) != OperationStatus.Done)
                {
                    var fault = error!.Error == TtlvError.TooLarge ? FramingFault.TooLarge : FramingFault.NotAMessage;
                    Log.FramingLost(_logger, principal.Identity, _remote, error.Message);
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
                            Log.FramingLost(_logger, principal.Identity, _remote, $"connection closed after {read} of {frameLength - 8} message bytes");
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
            Log.FramingLost(_logger, principal.Identity, _remote, $"message not complete within {_options.RequestReadTimeout.TotalSeconds}s");
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
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(stopping);
        timeout.CancelAfter(_options.HandshakeTimeout);
        try
        {
            await ssl.AuthenticateAsServerAsync(options, timeout.Token).ConfigureAwait(false);
        }
        catch (OperationCanceledException)
        {
            Log.HandshakeFailed(_logger, _remote, $"not finished within {_options.HandshakeTimeout.TotalSeconds}s");
            ListenerMetrics.Handshake("timeout");
            return null;
        }
        catch (AuthenticationException e)
        {
            if (refusal is not null) Log.CertificateRefused(_logger, _remote, refusal);
            else Log.HandshakeFailed(_logger, _remote, e.InnerException?.Message ?? e.Message);
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
            Log.CertificateRefused(_logger, _remote, "no client certificate");
            ListenerMetrics.Handshake("refused_certificate");
            return null;
        }
        var identity = ClientIdentityReader.Read(certificate, _options.ClientIdentity);
        if (identity is null)
        {
            Log.NoIdentity(_logger, _remote, _options.ClientIdentity.ToString());
            ListenerMetrics.Handshake("no_identity");
            return null;
        }
        Log.Connected(_logger, identity, _remote, ssl.SslProtocol.ToString(), ssl.NegotiatedCipherSuite.ToString());
        ListenerMetrics.Handshake("ok");
        Fingerprint = ClientIdentityReader.Fingerprint(certificate);
        return new ClientPrincipal(identity, Fingerprint, _remote);
    }
}
