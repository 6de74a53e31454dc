using System.Net;
using System.Net.Sockets;
using HsmKmip.Server.Configuration;

namespace HsmKmip.Server.Listener;

/// <summary>Another process (another hsmkmip included) already listens on a configured endpoint.</summary>
public sealed class PortInUseException : Exception
{
    public PortInUseException(string message, Exception inner) : base(message, inner) { }

    public PortInUseException(string message) : base(message) { }

    public PortInUseException() { }
}

/// <summary>
/// The KMIP listening sockets: exclusive ownership of the port, checked before the daemon makes anything.
/// </summary>
/// <remarks>
/// <c>Socket.ReuseAddress</c> on Linux .NET sets <c>SO_REUSEPORT</c> as well as <c>SO_REUSEADDR</c>: a second
/// daemon could then bind the same port and the kernel would spread connections over both (a client verifying the
/// server against one CA gets the other daemon's certificate). Only <c>SO_REUSEADDR</c> is set, through the raw
/// option, so that a restart still binds over TIME_WAIT connections while a live listener refuses the bind (Linux
/// socket(7): SO_REUSEADDR lets a bind succeed "unless there is an active listening socket bound to the address").
/// </remarks>
public static class ListeningSocket
{
    // <sys/socket.h> on Linux (asm-generic/socket.h): SOL_SOCKET = 1, SO_REUSEADDR = 2.
    private const int SolSocket = 1;
    private const int SoReuseAddr = 2;

    /// <summary>Binds and listens on <paramref name="endpoint"/>, or throws a one-sentence error.</summary>
    public static Socket Open(IPEndPoint endpoint, int backlog)
    {
        var socket = Bind(endpoint);
        try
        {
            socket.Listen(backlog);
            return socket;
        }
        catch (SocketException e)
        {
            socket.Dispose();
            throw Failure(endpoint, e);
        }
    }

    /// <summary>
    /// Checks every endpoint could be bound now, then lets go of it: called before the daemon creates a token, a KEK or
    /// certificates in a new state folder, so that a start on a held port leaves nothing behind.
    /// </summary>
    public static void EnsureFree(IEnumerable<IPEndPoint> endpoints)
    {
        foreach (var endpoint in endpoints) Bind(endpoint).Dispose();
    }

    private static Socket Bind(IPEndPoint endpoint)
    {
        var socket = new Socket(endpoint.AddressFamily, SocketType.Stream, ProtocolType.Tcp);
        try
        {
            if (endpoint.AddressFamily == AddressFamily.InterNetworkV6 && endpoint.Address.Equals(IPAddress.IPv6Any)) socket.DualMode = true;
            if (OperatingSystem.IsLinux()) socket.SetRawSocketOption(SolSocket, SoReuseAddr, BitConverter.GetBytes(1));
            socket.Bind(endpoint);
            return socket;
        }
        catch (SocketException e)
        {
            socket.Dispose();
            throw Failure(endpoint, e);
        }
    }

    private static Exception Failure(IPEndPoint endpoint, SocketException e) => e.SocketErrorCode switch
    {
        SocketError.AddressAlreadyInUse => new PortInUseException(
            $"Port {endpoint.Port} on {endpoint.Address} is already in use: stop the other server or choose another --listen address.", e),
        SocketError.AddressNotAvailable => new ConfigurationException(
            $"This host has no address {endpoint.Address}: choose one of its addresses (or 0.0.0.0) for --listen.", e),
        SocketError.AccessDenied => new ConfigurationException(
            $"Port {endpoint.Port} needs privileges this user lacks: choose a port above 1023 for --listen.", e),
        _ => new ConfigurationException($"Cannot listen on {endpoint}: {e.Message}.", e),
    };
}
