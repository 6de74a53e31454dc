using HsmKmip.Core.Store;
using Microsoft.Extensions.Logging;

namespace HsmKmip.Server;

/// <summary>
/// Can the store still commit? Answered from the last write group (probe or real) when it ended less than
/// <see cref="CacheFor"/> ago, otherwise by one durable probe write (<see cref="IStoreWriteProbe"/>): a load balancer
/// polling /readyz every second costs at most one small durable write per <see cref="CacheFor"/>, and none while real
/// writes keep the outcome fresh. Concurrent callers share one probe.
/// </summary>
internal sealed partial class StoreWritability(IStoreWriteProbe probe, TimeSpan cacheFor, ILogger logger)
{
    /// <summary>The default bound on how stale a /readyz answer about the store may be (docs/audit-and-metrics.md).</summary>
    public static readonly TimeSpan DefaultCacheFor = TimeSpan.FromSeconds(5);

    private readonly Lock _gate = new();
    private Task<string?>? _probe;
    private string? _reported;
    private bool _everReported;

    public TimeSpan CacheFor => cacheFor;

    /// <summary>Null when the store committed within <see cref="CacheFor"/> (or the probe just did); otherwise why it cannot.</summary>
    public async Task<string?> ProblemAsync(CancellationToken cancellationToken)
    {
        if (probe.LastWrite is { } last && Environment.TickCount64 - last.AtMilliseconds < cacheFor.TotalMilliseconds) return Report(last.Failure);
        Task<string?> running;
        lock (_gate)
        {
            // Not tied to this caller's token: a poller that gives up must not cancel the probe others wait for.
            if (_probe is null || _probe.IsCompleted) _probe = ProbeAsync();
            running = _probe;
        }
        return Report(await running.WaitAsync(cancellationToken).ConfigureAwait(false));
    }

    private async Task<string?> ProbeAsync()
    {
        try
        {
            await probe.ProbeWriteAsync(CancellationToken.None).ConfigureAwait(false);
            return null;
        }
        catch (ObjectStoreException e)
        {
            return e.Message;
        }
        catch (ObjectDisposedException)
        {
            return "the store is closed";
        }
    }

    /// <summary>Logs each change between writable and not (not every poll), then passes the answer on.</summary>
    private string? Report(string? failure)
    {
        lock (_gate)
        {
            if (_everReported && (_reported is null) == (failure is null)) return failure;
            _everReported = true;
            _reported = failure;
        }
        if (failure is null) LogWritable(logger);
        else LogNotWritable(logger, failure);
        return failure;
    }

    [LoggerMessage(5850, LogLevel.Error, "The store cannot commit: {Reason}; /readyz answers 503 until a write succeeds")]
    private static partial void LogNotWritable(ILogger logger, string reason);

    [LoggerMessage(5851, LogLevel.Information, "The store commits; /readyz counts it ready")]
    private static partial void LogWritable(ILogger logger);
}
