using System.Net.Sockets;
using System.Text.Json.Nodes;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace HsmKmip.Server.Admin;

/// <summary>
/// The daemon's admin socket: a Unix domain socket in the state folder (mode 0600), open to root and to the
/// daemon's own user only (SO_PEERCRED), serving the commands of an <see cref="AdminCommandRegistry"/>; one
/// request per connection, connections served concurrently.
/// </summary>
internal sealed partial class AdminServer(IServiceProvider services, AdminCommandRegistry registry, ILogger<AdminServer> logger) : BackgroundService
{
    private readonly string _path = AdminProtocol.SocketPath(((Configuration.ServerOptions)services.GetService(typeof(Configuration.ServerOptions))!).StateDir);
    private Socket? _listener;

    public override Task StartAsync(CancellationToken cancellationToken)
    {
        // The store lock is held by now (the listener opened the store), so a socket file here is a dead daemon's.
        if (File.Exists(_path)) File.Delete(_path);
        var socket = new Socket(AddressFamily.Unix, SocketType.Stream, ProtocolType.Unspecified);
        try
        {
            socket.Bind(new UnixDomainSocketEndPoint(_path));
            if (!OperatingSystem.IsWindows()) File.SetUnixFileMode(_path, UnixFileMode.UserRead | UnixFileMode.UserWrite);
            socket.Listen(16);
        }
        catch
        {
            socket.Dispose();
            throw;
        }
        _listener = socket;
        LogListening(logger, _path);
        return base.StartAsync(cancellationToken);
    }

    public override async Task StopAsync(CancellationToken cancellationToken)
    {
        _listener?.Dispose();
        await base.StopAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            File.Delete(_path);
        }
        catch (IOException)
        {
        }
    }

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        var listener = _listener!;
        while (!stoppingToken.IsCancellationRequested)
        {
            Socket client;
            try
            {
                client = await listener.AcceptAsync(stoppingToken).ConfigureAwait(false);
            }
            catch (Exception e) when (e is OperationCanceledException or ObjectDisposedException or SocketException)
            {
                return;
            }
            _ = ServeAsync(client, stoppingToken);
        }
    }

    private async Task ServeAsync(Socket client, CancellationToken stoppingToken)
    {
        await using var stream = new NetworkStream(client, ownsSocket: true);
        string command = "?";
        try
        {
            uint peer = NativeUnix.PeerUserId(client);
            if (peer != 0 && peer != NativeUnix.EffectiveUserId)
            {
                LogRefused(logger, peer);
                await AdminProtocol.WriteLineAsync(stream, Error($"Only root and the daemon's user may administer it; uid {peer} may not.", AdminException.UsageExitCode), stoppingToken).ConfigureAwait(false);
                return;
            }
            using var readTimeout = CancellationTokenSource.CreateLinkedTokenSource(stoppingToken);
            readTimeout.CancelAfter(TimeSpan.FromSeconds(30));
            var request = await AdminProtocol.ReadLineAsync(stream, readTimeout.Token).ConfigureAwait(false);
            if (request is null) return;
            command = request["command"]?.GetValue<string>() ?? "";
            var arguments = request["arguments"] as JsonObject ?? [];
            var handler = registry.Find(command);
            if (handler is null)
            {
                await AdminProtocol.WriteLineAsync(stream, Error($"The daemon does not know the admin command '{command}'; is it an older hsmkmip?", AdminException.UsageExitCode), stoppingToken).ConfigureAwait(false);
                return;
            }
            LogCommand(logger, command, peer);
            await using var context = AdminContext.ForDaemon(services);
            JsonObject answer;
            try
            {
                var result = await handler.ExecuteAsync(context, arguments, e => new ValueTask(AdminProtocol.WriteLineAsync(stream, new JsonObject { ["progress"] = e }, stoppingToken)), stoppingToken).ConfigureAwait(false);
                answer = new JsonObject { ["result"] = result };
            }
            catch (Exception e) when (e is AdminException or Core.Store.ObjectStoreException or Core.Keys.KeyBackendException)
            {
                var failure = AdminClient.Translate(e);
                answer = Error(failure.Message, failure.ExitCode);
            }
#pragma warning disable CA1031 // A command's fault must reach the operator as an answer, never as a silent close or a daemon crash.
            catch (Exception e) when (e is not OperationCanceledException)
#pragma warning restore CA1031
            {
                LogFault(logger, e, command);
                answer = Error($"The daemon failed running '{command}' ({e.GetType().Name}: {e.Message}); see its log (journalctl -u hsmkmip).", AdminException.FailureExitCode);
            }
            await AdminProtocol.WriteLineAsync(stream, answer, stoppingToken).ConfigureAwait(false);
        }
        catch (Exception e) when (e is IOException or SocketException or OperationCanceledException or InvalidOperationException)
        {
            LogFailed(logger, command, e.Message);
        }
    }

    [LoggerMessage(1204, LogLevel.Error, "Admin command {Command} failed")]
    private static partial void LogFault(ILogger logger, Exception exception, string command);

    private static JsonObject Error(string message, int exitCode) => new() { ["error"] = message, ["exitCode"] = exitCode };

    [LoggerMessage(1200, LogLevel.Information, "Admin socket listening on {Path}")]
    private static partial void LogListening(ILogger logger, string path);

    [LoggerMessage(1201, LogLevel.Warning, "Admin socket refused a connection from uid {Uid}")]
    private static partial void LogRefused(ILogger logger, uint uid);

    [LoggerMessage(1202, LogLevel.Information, "Admin command {Command} from uid {Uid}")]
    private static partial void LogCommand(ILogger logger, string command, uint uid);

    [LoggerMessage(1203, LogLevel.Warning, "Admin command {Command} ended early: {Reason}")]
    private static partial void LogFailed(ILogger logger, string command, string reason);
}
