using System.Net.Sockets;
using System.Text.Json.Nodes;
using HsmKmip.Core.Keys;
using HsmKmip.Core.Store;
using HsmKmip.Server.Configuration;

namespace HsmKmip.Server.Admin;

/// <summary>
/// Runs an admin command where the state is: through the daemon's admin socket when the daemon runs, else in this
/// process on the state folder (opening store and token itself, which their locks refuse while a daemon holds them).
/// </summary>
public static class AdminClient
{
    /// <summary>Runs <paramref name="command"/> and returns its result; throws <see cref="AdminException"/> with the sentence to show.</summary>
    /// <param name="options">The daemon's settings (state folder, store, token).</param>
    /// <param name="command">A name in <paramref name="registry"/>.</param>
    /// <param name="arguments">The command's arguments.</param>
    /// <param name="progress">Called for each progress event the command streams.</param>
    /// <param name="registry">The commands; <see cref="AdminCommandRegistry.Default"/> when null.</param>
    /// <param name="cancellationToken">Stops waiting (a daemon-side command keeps going).</param>
    public static async Task<AdminOutcome> RunAsync(ServerOptions options, string command, JsonObject arguments, Func<JsonObject, ValueTask>? progress = null,
        AdminCommandRegistry? registry = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(options);
        registry ??= AdminCommandRegistry.Default;
        progress ??= _ => ValueTask.CompletedTask;
        var handler = registry.Find(command) ?? throw new InvalidOperationException($"No admin command '{command}'.");
        var socket = await TryConnectAsync(AdminProtocol.SocketPath(options.StateDir), cancellationToken).ConfigureAwait(false);
        if (socket is null)
        {
            await using var context = AdminContext.Offline(options);
            try
            {
                return new AdminOutcome(await handler.ExecuteAsync(context, arguments, progress, cancellationToken).ConfigureAwait(false), ThroughDaemon: false);
            }
            catch (Exception e) when (e is ObjectStoreException or KeyBackendException)
            {
                throw Translate(e);
            }
        }
        await using var stream = new NetworkStream(socket, ownsSocket: true);
        await AdminProtocol.WriteLineAsync(stream, new JsonObject { ["command"] = command, ["arguments"] = arguments.DeepClone() }, cancellationToken).ConfigureAwait(false);
        while (true)
        {
            var line = await AdminProtocol.ReadLineAsync(stream, cancellationToken).ConfigureAwait(false)
                ?? throw new AdminException($"The daemon closed the admin connection before answering '{command}'; see its log (journalctl -u hsmkmip).");
            if (line["progress"] is JsonObject p) await progress(p).ConfigureAwait(false);
            else if (line["result"] is JsonObject r) return new AdminOutcome(r, ThroughDaemon: true);
            else if (line["error"] is { } error) throw new AdminException(error.GetValue<string>(), line["exitCode"]?.GetValue<int>() ?? AdminException.FailureExitCode);
        }
    }

    /// <summary>Turns a store or HSM failure into the operator's sentence.</summary>
    internal static AdminException Translate(Exception e) => e switch
    {
        AdminException a => a,
        KeyBackendException k => new AdminException($"HSM: {k.Message}", AdminException.FailureExitCode, k),
        _ => new AdminException(e.Message, AdminException.FailureExitCode, e),
    };

    /// <summary>A connected socket when a daemon listens at <paramref name="path"/>; null when none does.</summary>
    private static async Task<Socket?> TryConnectAsync(string path, CancellationToken cancellationToken)
    {
        if (!File.Exists(path)) return null;
        var socket = new Socket(AddressFamily.Unix, SocketType.Stream, ProtocolType.Unspecified);
        try
        {
            await socket.ConnectAsync(new UnixDomainSocketEndPoint(path), cancellationToken).ConfigureAwait(false);
            return socket;
        }
        catch (SocketException e) when (e.SocketErrorCode is SocketError.ConnectionRefused or SocketError.AddressNotAvailable)
        {
            socket.Dispose();
            return null; // A dead daemon's socket file: no daemon runs.
        }
        catch (SocketException e) when (e.SocketErrorCode == SocketError.AccessDenied)
        {
            socket.Dispose();
            throw new AdminException($"The daemon's admin socket {path} is not open to you: run the command as root or as the daemon's user.", AdminException.UsageExitCode, e);
        }
        catch
        {
            socket.Dispose();
            throw;
        }
    }
}

/// <summary>A command's result and whether the daemon ran it.</summary>
public sealed record AdminOutcome(JsonObject Result, bool ThroughDaemon);
