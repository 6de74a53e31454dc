using System.Globalization;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Hosting.Systemd;
using Microsoft.Extensions.Logging;

namespace HsmKmip.Server;

/// <summary>
/// Sends WATCHDOG=1 every WATCHDOG_USEC/2 (systemd's WatchdogSec=), but only after a <see cref="HealthCheck"/> that
/// finished in that interval said yes. A check still running (an HSM call that hangs) is never started twice and
/// sends nothing, so systemd sees the pings stop, aborts the daemon and Restart=on-failure starts it afresh.
/// </summary>
internal sealed partial class SystemdWatchdog(ISystemdNotifier notifier, HealthCheck health, TimeSpan interval, ILogger<SystemdWatchdog> logger) : BackgroundService
{
    private static readonly ServiceState Ping = new("WATCHDOG=1");

    /// <summary>Half of WATCHDOG_USEC when systemd asked this process for pings (WATCHDOG_PID unset or ours); otherwise null.</summary>
    /// <param name="environment">Reads an environment variable (tests pass their own); default the process environment.</param>
    public static TimeSpan? IntervalFromEnvironment(Func<string, string?>? environment = null)
    {
        environment ??= Environment.GetEnvironmentVariable;
        var usec = environment("WATCHDOG_USEC");
        if (!long.TryParse(usec, NumberStyles.None, CultureInfo.InvariantCulture, out var micros) || micros <= 0) return null;
        var pid = environment("WATCHDOG_PID");
        if (!string.IsNullOrEmpty(pid) && pid != Environment.ProcessId.ToString(CultureInfo.InvariantCulture)) return null;
        return TimeSpan.FromMicroseconds(micros / 2);
    }

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        Task<bool>? pending = null;
        bool healthy = true;
        LogStarted(logger, interval.TotalSeconds);
        while (!stoppingToken.IsCancellationRequested)
        {
            var tick = Task.Delay(interval, stoppingToken);
            // The check runs on the thread pool: a backend whose calls block must not block this loop.
            pending ??= Task.Run(() => health.CheckAsync(stoppingToken), stoppingToken);
            await Task.WhenAny(pending, tick).ConfigureAwait(false);
            bool ok = false;
            if (pending.IsCompleted)
            {
                ok = pending.IsCompletedSuccessfully && pending.Result;
                pending = null;
            }
            if (ok)
            {
                notifier.Notify(Ping);
                if (!healthy) LogHealthy(logger);
            }
            else if (healthy)
            {
                LogUnhealthy(logger, pending is null ? "the HSM or the store reported a failure" : "the health check has not returned");
            }
            healthy = ok;
            try
            {
                await tick.ConfigureAwait(false);
            }
            catch (OperationCanceledException)
            {
                return;
            }
        }
    }

    [LoggerMessage(1220, LogLevel.Information, "Watchdog: health check and WATCHDOG=1 every {Seconds:0.###} s")]
    private static partial void LogStarted(ILogger logger, double seconds);

    [LoggerMessage(1221, LogLevel.Error, "Watchdog pings withheld: {Reason}; systemd restarts the service if this lasts WatchdogSec")]
    private static partial void LogUnhealthy(ILogger logger, string reason);

    [LoggerMessage(1222, LogLevel.Warning, "Watchdog: HSM and store healthy again, pings resumed")]
    private static partial void LogHealthy(ILogger logger);
}
