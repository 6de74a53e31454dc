using System.Net.Sockets;

namespace HsmKmip.Server.Audit.Export;

/// <summary>
/// Journal entries through journald's native socket (a Unix datagram socket, /run/systemd/journal/socket unless
/// configured). Microsoft.Extensions.Hosting.Systemd only formats console lines for journald and has no writer with
/// fields of one's own; the protocol is small enough to write here (<see cref="JournalFormatter"/>).
/// </summary>
internal sealed class JournalTransport(string socketPath) : IAuditExportTransport
{
    public const string DefaultSocket = "/run/systemd/journal/socket";

    private Socket? _socket;

    public string Sink => "journald";

    public byte[] Format(in AuditExportEntry entry) => JournalFormatter.Format(entry);

    public async ValueTask SendAsync(byte[] message, CancellationToken cancellationToken)
    {
        if (_socket is null)
        {
            var socket = new Socket(AddressFamily.Unix, SocketType.Dgram, ProtocolType.Unspecified);
            try
            {
                await socket.ConnectAsync(new UnixDomainSocketEndPoint(socketPath), cancellationToken).ConfigureAwait(false);
            }
            catch
            {
                socket.Dispose();
                throw;
            }
            _socket = socket;
        }
        await _socket.SendAsync(message, SocketFlags.None, cancellationToken).ConfigureAwait(false);
    }

    public void Reset()
    {
        _socket?.Dispose();
        _socket = null;
    }

    public ValueTask DisposeAsync()
    {
        Reset();
        return ValueTask.CompletedTask;
    }
}
