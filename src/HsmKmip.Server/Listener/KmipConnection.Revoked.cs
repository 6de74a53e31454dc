using System.Buffers;
using System.Buffers.Binary;
using System.Net.Security;
using HsmKmip.Core;
using HsmKmip.Protocol.Messages;
using HsmKmip.Protocol.Vocabulary;
using HsmKmip.Ttlv;
using Microsoft.Extensions.Logging;

namespace HsmKmip.Server.Listener;

/// <summary>
/// A client whose certificate the operator revoked (`hsmkmip client revoke`) learns why instead of seeing a silent
/// close (issue 16): a new connection finishes its handshake, its first request is answered Permission Denied
/// "certificate revoked", and the connection ends with a TLS close_notify alert; an open connection ends with
/// close_notify (after the answer it is computing, if any). Nothing of the request is executed.
/// </summary>
internal sealed partial class KmipConnection
{
    private const string RevokedMessage = "The client certificate was revoked by the operator (hsmkmip client revoke): certificate revoked.";
    private readonly CancellationTokenSource _revoked = new();
    private bool _revokedAtHandshake;

    /// <summary>Asks the connection to end with close_notify: at once when idle, after its answer when busy.</summary>
    public void Revoke()
    {
        try
        {
            _revoked.Cancel();
        }
        catch (ObjectDisposedException)
        {
            // The connection ended meanwhile.
        }
    }

    private async Task RefuseRevokedAsync(SslStream ssl, ClientPrincipal principal)
    {
        LogRevokedRefused(_logger, principal.Identity, _remote);
        _context.Metrics.Rejected("revoked");
        var header = new byte[TtlvFrameScanner.HeaderLength];
        try
        {
            using var read = new CancellationTokenSource(_options.RequestReadTimeout);
            int got = await ssl.ReadAtLeastAsync(header, header.Length, throwOnEndOfStream: false, read.Token).ConfigureAwait(false);
            if (got == header.Length && TtlvFrameScanner.TryGetFrameLength(header, _limits, out int length, out _) == OperationStatus.Done)
            {
                var frame = new byte[length];
                header.CopyTo(frame, 0);
                await ssl.ReadExactlyAsync(frame.AsMemory(8), read.Token).ConfigureAwait(false);
                var response = PermissionDenied(frame);
                Array.Clear(frame); // a Register may have carried key material
                await WriteAsync(ssl, response).ConfigureAwait(false);
            }
            await ssl.ShutdownAsync().ConfigureAwait(false);
        }
        catch (Exception e) when (e is IOException or OperationCanceledException or System.Net.Sockets.SocketException)
        {
            // The client went away or never asked: nothing more to tell it.
        }
    }

    private async Task CloseRevokedAsync(SslStream ssl, ClientPrincipal principal)
    {
        LogRevokedClosed(_logger, principal.Identity, _remote);
        try
        {
            await ssl.ShutdownAsync().ConfigureAwait(false);
        }
        catch (Exception e) when (e is IOException or System.Net.Sockets.SocketException or ObjectDisposedException)
        {
            // Already cut (the listener's grace time ran out).
        }
    }

    /// <summary>A response failing every batch item of the request with Permission Denied, in the request's version when it can be read.</summary>
    private static byte[] PermissionDenied(byte[] frame)
    {
        var version = KmipVersion.V1_0;
        var items = new List<ResponseBatchItem>();
        try
        {
            var request = TtlvDecoder.Decode(frame);
            if (request.Find(Tag.RequestHeader)?.Find(Tag.ProtocolVersion) is { } pv)
            {
                version = ProtocolVersions.NearestFor(ProtocolVersions.FromTtlv(pv));
            }
            foreach (var item in request.FindAll(Tag.BatchItem))
            {
                uint? operation = item.Find(Tag.Operation) is { Type: TtlvType.Enumeration } op ? op.AsEnum() : null;
                ReadOnlyMemory<byte>? id = item.Find(Tag.UniqueBatchItemID) is { Type: TtlvType.ByteString } b ? b.AsBytes() : null;
                items.Add(ResponseBatchItem.Failure(operation, id, ResultReason.PermissionDenied, RevokedMessage));
            }
        }
        catch (Exception e) when (e is TtlvFormatException or KmipException or TtlvTypeMismatchException)
        {
            // Not a readable request: one failure item without an operation.
        }
        if (items.Count == 0) items.Add(ResponseBatchItem.Failure(null, null, ResultReason.PermissionDenied, RevokedMessage));
        return new ResponseMessage(version, DateTimeOffset.UtcNow, items).Encode();
    }

    [LoggerMessage(5200, LogLevel.Warning, "Client {Identity} at {Remote} presented a revoked certificate: its first request is answered Permission Denied and the connection closed with close_notify")]
    private static partial void LogRevokedRefused(ILogger logger, string identity, string remote);

    [LoggerMessage(5201, LogLevel.Information, "Closed the connection of {Identity} at {Remote} with close_notify: its certificate was revoked")]
    private static partial void LogRevokedClosed(ILogger logger, string identity, string remote);
}
