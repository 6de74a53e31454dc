using Microsoft.Extensions.Logging;

namespace HsmKmip.Server;

/// <summary>The daemon's minimum log level, changeable while it runs (SIGHUP re-reads LogLevel from the config).</summary>
public sealed class LogLevelSwitch(LogLevel minimum)
{
    private volatile int _minimum = (int)minimum;

    public LogLevel Minimum
    {
        get => (LogLevel)_minimum;
        set => _minimum = (int)value;
    }

    /// <summary>Routes every logger through this switch; the runtime's own categories stay at Warning or above.</summary>
    public void Apply(ILoggingBuilder logging)
    {
        logging.SetMinimumLevel(LogLevel.Trace);
        logging.AddFilter((_, _, level) => level >= Minimum);
        logging.AddFilter("Microsoft", level => level >= LogLevel.Warning && level >= Minimum);
    }
}
