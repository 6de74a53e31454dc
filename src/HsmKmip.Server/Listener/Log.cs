using Microsoft.Extensions.Logging;

namespace HsmKmip.Server.Listener;

/// <summary>Every log line of the listener. Event ids 1000–1099. Never logs key material, PINs or request payloads.</summary>
internal static partial class Log
{
    [LoggerMessage(1000, LogLevel.Information, "Listening for KMIP over mutual TLS on {Endpoint}")]
    public static partial void Listening(ILogger logger, string endpoint);

    [LoggerMessage(1001, LogLevel.Information, "Server certificate {Subject}, valid until {NotAfter:u}")]
    public static partial void ServerCertificate(ILogger logger, string subject, DateTime notAfter);

    [LoggerMessage(1002, LogLevel.Warning, "Connection limit {Limit} reached and no connection idle; refused {Identity} at {Remote} ({Suppressed} more from this address since the last such line)")]
    public static partial void ConnectionLimit(ILogger logger, int limit, string identity, string remote, long suppressed);

    [LoggerMessage(1003, LogLevel.Information, "TLS handshake with {Remote} failed: {Reason} ({Suppressed} more from this address since the last such line)")]
    public static partial void HandshakeFailed(ILogger logger, string remote, string reason, long suppressed);

    [LoggerMessage(1004, LogLevel.Warning, "Refused client certificate from {Remote}: {Reason} ({Suppressed} more from this address since the last such line)")]
    public static partial void CertificateRefused(ILogger logger, string remote, string reason, long suppressed);

    [LoggerMessage(1005, LogLevel.Debug, "Client {Identity} connected from {Remote} ({Protocol}, {Cipher}")]
    public static partial void Connected(ILogger logger, string identity, string remote, string protocol, string cipher);

    [LoggerMessage(1006, LogLevel.Debug, "Client {Identity} at {Remote} closed after {Requests} requests")]
    public static partial void Closed(ILogger logger, string identity, string remote, long requests);

    [LoggerMessage(1007, LogLevel.Information, "Closed idle connection of {Identity} at {Remote}")]
    public static partial void IdleClosed(ILogger logger, string identity, string remote);

    [LoggerMessage(1008, LogLevel.Warning, "Framing lost on connection of {Identity} at {Remote}: {Reason}; answered and closed ({Suppressed} more from this address since the last such line)")]
    public static partial void FramingLost(ILogger logger, string identity, string remote, string reason, long suppressed);

    [LoggerMessage(1009, LogLevel.Warning, "Connection of {Identity} at {Remote} ended by an I/O error: {Reason}")]
    public static partial void ConnectionError(ILogger logger, string identity, string remote, string reason);

    [LoggerMessage(1010, LogLevel.Error, "Unexpected fault on connection of {Identity} at {Remote}")]
    public static partial void ConnectionFault(ILogger logger, Exception exception, string identity, string remote);

    [LoggerMessage(1011, LogLevel.Information, "Stopping: waiting up to {Seconds}s for {Count} connections to finish")]
    public static partial void Draining(ILogger logger, double seconds, int count);

    [LoggerMessage(1012, LogLevel.Warning, "Client at {Remote} presented a certificate without the configured identity field ({Source}); refused ({Suppressed} more from this address since the last such line)")]
    public static partial void NoIdentity(ILogger logger, string remote, string source, long suppressed);

    [LoggerMessage(1013, LogLevel.Debug, "Connection from {Remote} closed during the handshake")]
    public static partial void HandshakeAborted(ILogger logger, string remote);

    [LoggerMessage(1014, LogLevel.Debug, "Connection of {Identity} at {Remote} speaks KMIP over HTTPS")]
    public static partial void HttpSession(ILogger logger, string identity, string remote);

    [LoggerMessage(1015, LogLevel.Information, "HTTP request of {Identity} at {Remote} refused with {Status}: {Reason} ({Suppressed} more from this address since the last such line)")]
    public static partial void HttpRefused(ILogger logger, string identity, string remote, int status, string reason, long suppressed);

    [LoggerMessage(1016, LogLevel.Information, "{Format} body from {Identity} at {Remote} is not a KMIP message ({Error}); answered with Invalid Message ({Suppressed} more from this address since the last such line)")]
    public static partial void HttpBodyMalformed(ILogger logger, string format, string identity, string remote, string error, long suppressed);

    [LoggerMessage(1017, LogLevel.Warning, "Client {Identity} at {Remote} already holds {Limit} connections (--max-connections-per-client); refused ({Suppressed} more from this address since the last such line)")]
    public static partial void ClientConnectionLimit(ILogger logger, string identity, string remote, int limit, long suppressed);

    [LoggerMessage(1018, LogLevel.Information, "Closed connection from {Remote} before its handshake: {Reason} ({Suppressed} more from this address since the last such line)")]
    public static partial void Unadmitted(ILogger logger, string remote, string reason, long suppressed);

    [LoggerMessage(1019, LogLevel.Information, "Closed idle connection of {Identity} at {Remote} to make room for another client ({Suppressed} more from this address since the last such line)")]
    public static partial void IdleEvicted(ILogger logger, string identity, string remote, long suppressed);

    [LoggerMessage(1020, LogLevel.Warning, "Connection of {Identity} at {Remote} speaks neither TTLV nor HTTP (first bytes {Prefix}); answered Invalid Message and closed ({Suppressed} more from this address since the last such line)")]
    public static partial void NotKmip(ILogger logger, string identity, string remote, string prefix, long suppressed);
}
