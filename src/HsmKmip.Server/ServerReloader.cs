using System.Diagnostics;
using System.Globalization;
using System.Runtime.InteropServices;
using HsmKmip.Core.Access;
using HsmKmip.Server.Configuration;
using HsmKmip.Server.Listener;
using HsmKmip.Server.Tls;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Hosting.Systemd;
using Microsoft.Extensions.Logging;

namespace HsmKmip.Server;

/// <summary>
/// `systemctl reload` (SIGHUP): reads the settings again and applies what can change without dropping a connection —
/// the log level, the TLS certificates and client CA bundle (for new handshakes; open connections keep theirs) and
/// the access policy. Everything is read and checked first; a mistake changes nothing and is logged. systemd hears
/// RELOADING=1 before and READY=1 after.
/// </summary>
public sealed partial class ServerReloader(Func<ServerOptions> source, KmipListener listener, LogLevelSwitch levels, AccessPolicySource access,
    ClientRevocationList revocations, ISystemdNotifier notifier, ILogger<ServerReloader> logger)
{
    private readonly SemaphoreSlim _gate = new(1, 1);

    /// <summary>Reloads once; true when the new settings are in force, false when they were refused (the old ones stay).</summary>
    public async Task<bool> ReloadAsync()
    {
        await _gate.WaitAsync().ConfigureAwait(false);
        try
        {
            // systemd 253+ wants the monotonic clock with RELOADING=1 (Type=notify-reload); 252 ignores it.
            long micros = Stopwatch.GetTimestamp() / (Stopwatch.Frequency / 1_000_000);
            notifier.Notify(new ServiceState($"RELOADING=1\nMONOTONIC_USEC={micros.ToString(CultureInfo.InvariantCulture)}"));
            try
            {
                var options = source();
                var tls = ServerHost.LoadTls(options, revocations, out _);
                if (!string.Equals(options.AccessPolicyPath, access.Path, StringComparison.Ordinal))
                {
                    LogRestartNeeded(logger, "AccessPolicy");
                }
                access.Reload();
                listener.ReplaceTls(tls);
                levels.Minimum = Enum.Parse<LogLevel>(options.LogLevel);
                LogReloaded(logger, options.LogLevel, tls.ClientCaCount, access.Path ?? "owner-only");
                return true;
            }
            catch (Exception e) when (e is ConfigurationException or FormatException or IOException or UnauthorizedAccessException)
            {
                LogRefused(logger, e.Message);
                return false;
            }
            finally
            {
                notifier.Notify(ServiceState.Ready);
            }
        }
        finally
        {
            _gate.Release();
        }
    }

    [LoggerMessage(1210, LogLevel.Warning, "Reloaded: log level {Level}, {CaCount} client CA certificates, access policy {Policy}")]
    private static partial void LogReloaded(ILogger logger, string level, int caCount, string policy);

    [LoggerMessage(1211, LogLevel.Error, "Reload refused, the previous settings stay in force: {Reason}")]
    private static partial void LogRefused(ILogger logger, string reason);

    [LoggerMessage(1212, LogLevel.Warning, "Reload: a changed {Setting} takes effect only after a restart")]
    private static partial void LogRestartNeeded(ILogger logger, string setting);

    /// <summary>Turns SIGHUP into <see cref="ReloadAsync"/> while the host runs (instead of the default: terminate).</summary>
    internal sealed class Signal(ServerReloader reloader) : IHostedService, IDisposable
    {
        private PosixSignalRegistration? _registration;

        public Task StartAsync(CancellationToken cancellationToken)
        {
            // A daemon started with SIGHUP ignored (nohup, some test runners) must still reload on it.
            Admin.NativeUnix.UnignoreSighup();
            _registration = PosixSignalRegistration.Create(PosixSignal.SIGHUP, context =>
            {
                context.Cancel = true;
                _ = Task.Run(reloader.ReloadAsync);
            });
            return Task.CompletedTask;
        }

        public Task StopAsync(CancellationToken cancellationToken)
        {
            Dispose();
            return Task.CompletedTask;
        }

        public void Dispose()
        {
            _registration?.Dispose();
            _registration = null;
        }
    }
}
