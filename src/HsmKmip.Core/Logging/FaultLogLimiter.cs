using System.Collections.Concurrent;

namespace HsmKmip.Core.Logging;

/// <summary>
/// Rate limit for log lines about client faults (issue 17: 121,000 malformed requests wrote 20 MB of log). One line per
/// client and kind per interval; the next line that gets through says how many were suppressed since. The table is
/// bounded: past <see cref="MaxEntries"/> keys, expired entries are swept and, if that is not enough, all are dropped
/// (a flood from many addresses then logs one line per address again, which is still bounded per interval).
/// </summary>
public sealed class FaultLogLimiter(TimeSpan interval)
{
    public const int MaxEntries = 10_000;
    private readonly long _intervalMs = (long)interval.TotalMilliseconds;
    private readonly ConcurrentDictionary<(string Client, string Kind), Window> _windows = new();

    /// <summary>How many client/kind windows are kept now.</summary>
    public int Count => _windows.Count;

    /// <summary>
    /// True when a line about <paramref name="kind"/> for <paramref name="client"/> may be written now;
    /// <paramref name="suppressed"/> is then how many were held back since the previous one.
    /// </summary>
    public bool ShouldLog(string client, string kind, out long suppressed)
    {
        long now = Environment.TickCount64;
        if (_windows.Count >= MaxEntries) Sweep(now);
        var window = _windows.GetOrAdd((client, kind), static _ => new Window());
        lock (window)
        {
            if (window.Started != 0 && now - window.Started < _intervalMs)
            {
                window.Suppressed++;
                suppressed = 0;
                return false;
            }
            suppressed = window.Suppressed;
            window.Started = now;
            window.Suppressed = 0;
            return true;
        }
    }

    /// <summary>The client key of a remote endpoint: its address without the port, so reconnecting does not reset the limit.</summary>
    /// <remarks>Endpoints print as "1.2.3.4:port" or "[::1]:port": the part before the last colon is the address.</remarks>
    public static string ClientOf(string remote) => remote.LastIndexOf(':') is > 0 and var colon ? remote[..colon] : remote;

    private void Sweep(long now)
    {
        foreach (var (key, window) in _windows)
        {
            if (now - Volatile.Read(ref window.Started) >= _intervalMs && window.Suppressed == 0) _windows.TryRemove(key, out _);
        }
        if (_windows.Count >= MaxEntries) _windows.Clear();
    }

    private sealed class Window
    {
        public long Started;
        public long Suppressed;
    }
}
