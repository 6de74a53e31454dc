using System.Diagnostics;
using Microsoft.Extensions.Logging;
using Net.Pkcs11Interop.Common;

namespace HsmKmip.Hsm.Pkcs11;

/// <summary>
/// Rate-limits what an operator sees of losses and repairs. Under a flaky device every call could fail, and a line
/// per call would bury everything else; instead an incident gets one warning when it starts, one information line
/// when it is repaired (with how many losses and repairs it took), and while it lasts at most one error line per
/// <see cref="Interval"/>. Incidents that start within <see cref="Interval"/> of the previous line are only counted,
/// and the counts appear in the next line.
/// </summary>
internal sealed class RecoveryLog(ILogger logger)
{
    public static readonly TimeSpan Interval = TimeSpan.FromSeconds(10);

    private readonly Lock _lock = new();
    private long _lastLineAt = long.MinValue;
    private long _openSince;
    private bool _open;
    private bool _announced;
    private int _losses;
    private int _failedRepairs;
    private int _repairs;
    private int _totalLosses;
    private int _totalLight;
    private int _totalFull;
    private int _totalFailed;

    /// <summary>Counts since start, for tests and figures: failed calls, light and full repairs, failed repairs.</summary>
    public (int Losses, int LightRepairs, int FullRepairs, int FailedRepairs) Totals
    {
        get
        {
            lock (_lock) return (_totalLosses, _totalLight, _totalFull, _totalFailed);
        }
    }

    /// <summary>A call lost its session, login or device (called once per failing call).</summary>
    public void Lost(string operation, CKR rv)
    {
        lock (_lock)
        {
            _losses++;
            _totalLosses++;
            var now = Stopwatch.GetTimestamp();
            if (!_open)
            {
                _open = true;
                _openSince = now;
            }
            if (!_announced && Due(now))
            {
                Pkcs11Log.ConnectionLost(logger, operation, rv.ToString(), _losses - 1, _repairs);
                Reset(now);
                _announced = true;
            }
        }
    }

    /// <summary>A repair attempt failed; calls answer Unavailable until one succeeds.</summary>
    public void RepairFailed(string reason, CKR? rv)
    {
        lock (_lock)
        {
            _failedRepairs++;
            _totalFailed++;
            var now = Stopwatch.GetTimestamp();
            if (!Due(now)) return;
            var since = (long)Stopwatch.GetElapsedTime(_open ? _openSince : now, now).TotalMilliseconds;
            if (rv is { } code && Pkcs11Errors.NeedsReinitialize(code))
            {
                Pkcs11Log.LibraryUnavailable(logger, code.ToString(), _failedRepairs, since);
            }
            else
            {
                Pkcs11Log.RepairFailed(logger, reason, _failedRepairs, since);
            }
            Reset(now);
            _announced = true;
        }
    }

    /// <summary>A repair succeeded: the incident is over.</summary>
    public void Repaired(bool full, long elapsedMs)
    {
        lock (_lock)
        {
            _repairs++;
            if (full) _totalFull++;
            else _totalLight++;
            var now = Stopwatch.GetTimestamp();
            if (_announced)
            {
                var since = _open ? (long)Stopwatch.GetElapsedTime(_openSince, now).TotalMilliseconds : 0;
                var kind = full ? "full: sessions reopened, logged in, KEK found again" : "light: sessions checked, login kept";
                Pkcs11Log.Repaired(logger, kind, elapsedMs, since, _losses, _repairs);
                Reset(now);
                _announced = false;
            }
            _open = false;
        }
    }

    private bool Due(long now) => _lastLineAt == long.MinValue || Stopwatch.GetElapsedTime(_lastLineAt, now) >= Interval;

    private void Reset(long now)
    {
        _lastLineAt = now;
        _losses = 0;
        _failedRepairs = 0;
        _repairs = 0;
    }
}
