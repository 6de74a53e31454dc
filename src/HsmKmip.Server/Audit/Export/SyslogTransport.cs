using System.Globalization;
using System.Net;
using System.Net.Sockets;
using System.Text;

namespace HsmKmip.Server.Audit.Export;

/// <summary>
/// RFC 5424 messages to a syslog receiver: over UDP (RFC 5426, one message per datagram), over TCP with octet-counting
/// framing (RFC 6587 §3.4.1: "LENGTH SP MESSAGE", so a message may hold any byte), or to a local Unix datagram socket
/// such as /dev/log.
/// </summary>
internal sealed class SyslogTransport : IAuditExportTransport
{
    private readonly SyslogTarget _target;
    private Socket? _socket;

    public SyslogTransport(SyslogTarget target) => _target = target;

    public string Sink => "syslog";

    public byte[] Format(in AuditExportEntry entry)
    {
        var message = Rfc5424Formatter.Format(entry);
        if (_target.Kind != SyslogKind.Tcp) return message;
        var prefix = Encoding.ASCII.GetBytes(message.Length.ToString(CultureInfo.InvariantCulture) + " ");
        var framed = new byte[prefix.Length + message.Length];
        prefix.CopyTo(framed, 0);
        message.CopyTo(framed, prefix.Length);
        return framed;
    }

    public async ValueTask SendAsync(byte[] message, CancellationToken cancellationToken)
    {
        var socket = _socket ??= await ConnectAsync(cancellationToken).ConfigureAwait(false);
        int sent = 0;
        while (sent < message.Length) sent += await socket.SendAsync(message.AsMemory(sent), SocketFlags.None, cancellationToken).ConfigureAwait(false);
    }

    private async Task<Socket> ConnectAsync(CancellationToken cancellationToken)
    {
        Socket socket;
        EndPoint endpoint;
        switch (_target.Kind)
        {
            case SyslogKind.Unix:
                socket = new Socket(AddressFamily.Unix, SocketType.Dgram, ProtocolType.Unspecified);
                endpoint = new UnixDomainSocketEndPoint(_target.Path!);
                break;
            default:
                var addresses = await Dns.GetHostAddressesAsync(_target.Host!, cancellationToken).ConfigureAwait(false);
                var address = addresses.FirstOrDefault() ?? throw new SocketException((int)SocketError.HostNotFound);
                socket = _target.Kind == SyslogKind.Tcp
                    ? new Socket(address.AddressFamily, SocketType.Stream, ProtocolType.Tcp) { NoDelay = true }
                    : new Socket(address.AddressFamily, SocketType.Dgram, ProtocolType.Udp);
                endpoint = new IPEndPoint(address, _target.Port);
                break;
        }
        try
        {
            await socket.ConnectAsync(endpoint, cancellationToken).ConfigureAwait(false);
            return socket;
        }
        catch
        {
            socket.Dispose();
            throw;
        }
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

internal enum SyslogKind
{
    Udp,
    Tcp,
    Unix,
}

/// <summary>A parsed --audit-syslog value: udp://HOST:PORT, tcp://HOST:PORT or unix:PATH.</summary>
internal sealed record SyslogTarget(SyslogKind Kind, string? Host, int Port, string? Path)
{
    public const string Forms = "udp://HOST:PORT, tcp://HOST:PORT or unix:/dev/log";

    public static SyslogTarget Parse(string value)
    {
        ArgumentNullException.ThrowIfNull(value);
        if (value.StartsWith("unix:", StringComparison.Ordinal))
        {
            var path = value["unix:".Length..];
            if (path.StartsWith("//", StringComparison.Ordinal)) path = path[2..];
            if (!path.StartsWith('/')) throw new FormatException($"'{value}' is not {Forms}: a unix socket needs an absolute path.");
            return new SyslogTarget(SyslogKind.Unix, null, 0, path);
        }
        if (!Uri.TryCreate(value, UriKind.Absolute, out var uri) || uri.Scheme is not ("udp" or "tcp") || uri.Port <= 0 || uri.Host.Length == 0
            || uri.AbsolutePath is not ("" or "/"))
        {
            throw new FormatException($"'{value}' is not {Forms}.");
        }
        return new SyslogTarget(uri.Scheme == "tcp" ? SyslogKind.Tcp : SyslogKind.Udp, uri.IdnHost.Trim('[', ']'), uri.Port, null);
    }

    public override string ToString() => Kind == SyslogKind.Unix ? "unix:" + Path : $"{Kind.ToString().ToLowerInvariant()}://{Host}:{Port}";
}
