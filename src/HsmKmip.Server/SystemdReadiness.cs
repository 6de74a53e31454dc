using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Hosting.Systemd;

namespace HsmKmip.Server;

/// <summary>
/// Sends READY=1 once every hosted service has started (the listeners are bound, so a client can connect) and
/// STOPPING=1 when shutdown begins, whenever NOTIFY_SOCKET is set. The package's own lifetime does this only when
/// it detects systemd as the parent process; this covers service managers and tests that only set NOTIFY_SOCKET.
/// </summary>
internal sealed class SystemdReadiness(IHostApplicationLifetime lifetime) : IHostedService
{
    private readonly SystemdNotifier _notifier = new();

    public static bool IsNeeded => !SystemdHelpers.IsSystemdService() && !string.IsNullOrEmpty(Environment.GetEnvironmentVariable("NOTIFY_SOCKET"));

    public Task StartAsync(CancellationToken cancellationToken)
    {
        lifetime.ApplicationStarted.Register(() => _notifier.Notify(ServiceState.Ready));
        lifetime.ApplicationStopping.Register(() => _notifier.Notify(ServiceState.Stopping));
        return Task.CompletedTask;
    }

    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;
}
