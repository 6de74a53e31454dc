using HsmKmip.Core.Keys;
using HsmKmip.Core.Store;
using HsmKmip.Server.Admin;
using HsmKmip.Server.Configuration;
using HsmKmip.Server.Listener;
using Microsoft.Extensions.Logging;

namespace HsmKmip.Server.Cli;

/// <summary>
/// The start-up failures of `serve` an operator can fix (a setting, a port in use, a wrong PIN, a store in use, a bad
/// certificate path), each turned into the one sentence and the exit status the README documents: 2 for a usage or
/// configuration mistake, 1 for a failure of the machine, the token or the store.
/// </summary>
internal static partial class StartupFailure
{
    public readonly record struct Outcome(string Message, int ExitCode);

    /// <summary>The sentence and exit status for <paramref name="e"/>, or null when it is a fault to report whole.</summary>
    public static Outcome? Describe(Exception e) => e switch
    {
        ConfigurationException c => new(c.Message, AdminException.UsageExitCode),
        PortInUseException p => new(p.Message, AdminException.FailureExitCode),
        KeyBackendException k => new($"HSM: {k.Message}", AdminException.FailureExitCode),
        ObjectStoreException s => new($"store: {s.Message}", AdminException.FailureExitCode),
        AdminException a => new(a.Message, a.ExitCode),
        UnauthorizedAccessException u => new($"{u.Message.TrimEnd('.')}: run as the state folder's owner (e.g. sudo -u hsmkmip).", AdminException.FailureExitCode),
        _ => null,
    };

    /// <summary>Logs the exception with its stack trace at Debug, on the console the daemon would have logged to.</summary>
    public static void LogDetail(ServerOptions? options, Exception e)
    {
        var level = Enum.TryParse<LogLevel>(options?.LogLevel, ignoreCase: true, out var parsed) ? parsed : LogLevel.Information;
        if (level > LogLevel.Debug) return;
        using (var loggers = LoggerFactory.Create(logging =>
        {
            logging.SetMinimumLevel(level);
            ServerHost.AddConsole(logging);
        }))
        {
            StartFailed(loggers.CreateLogger("HsmKmip.Server.Cli.ServeCommand"), e.GetType().Name, e);
        }
    }

    [LoggerMessage(1110, LogLevel.Debug, "Start-up failed ({Kind})")]
    private static partial void StartFailed(ILogger logger, string kind, Exception exception);
}
