using System.Diagnostics.Metrics;
using System.Net.Sockets;
using System.Threading.Channels;
using Microsoft.Extensions.Logging;

namespace HsmKmip.Server.Audit.Export;

/// <summary>
/// Sends audit records to one sink from its own task, behind a bounded queue: <see cref="Offer"/> never waits, so a slow,
/// unreachable or stalled receiver never slows an operation. A record that finds the queue full is dropped and counted
/// (<c>hsmkmip_audit_export_dropped_total{sink}</c>, logged at most once per <see cref="LogInterval"/>); the files stay
/// the complete, tamper-evident record. A failed send drops the connection and retries the same record after a pause
/// that doubles up to 30 s (reconnecting), while the queue takes the records that come meanwhile.
/// </summary>
internal sealed partial class AuditExporter : IAsyncDisposable
{
    public const string MeterName = "HsmKmip.Audit.Export";

    private static readonly Meter Meter = new(MeterName);

    private static readonly Counter<long> DroppedCounter = Meter.CreateCounter<long>("hsmkmip.audit.export.dropped",
        description: "Audit records not exported (queue full, or still unsent at shutdown); the audit files hold them.");

    private static readonly Counter<long> SentCounter = Meter.CreateCounter<long>("hsmkmip.audit.export.sent", description: "Audit records exported.");

    /// <summary>How often a sink's drops are logged at most.</summary>
    public static readonly TimeSpan LogInterval = TimeSpan.FromSeconds(30);

    /// <summary>A send that takes longer (a receiver that stopped reading) counts as failed.</summary>
    public static readonly TimeSpan SendTimeout = TimeSpan.FromSeconds(5);

    private readonly IAuditExportTransport _transport;
    private readonly Channel<AuditExportEntry> _queue;
    private readonly ILogger _logger;
    private readonly TimeProvider _time;
    private readonly CancellationTokenSource _stop = new();
    private readonly Task _worker;
    private long _dropped;
    private long _sent;
    private long _droppedSinceLog;
    private long _nextLog;

    public AuditExporter(IAuditExportTransport transport, int capacity, ILogger logger, TimeProvider? time = null)
    {
        _transport = transport;
        _logger = logger;
        _time = time ?? TimeProvider.System;
        _queue = Channel.CreateBounded<AuditExportEntry>(new BoundedChannelOptions(capacity) { SingleReader = true, FullMode = BoundedChannelFullMode.Wait });
        _worker = Task.Run(RunAsync, CancellationToken.None);
    }

    public string Sink => _transport.Sink;

    /// <summary>Records dropped since start.</summary>
    public long Dropped => Interlocked.Read(ref _dropped);

    /// <summary>Why the last send failed (null until one does): for tests and diagnostics.</summary>
    public string? LastError { get; private set; }

    /// <summary>Records sent since start.</summary>
    public long Sent => Interlocked.Read(ref _sent);

    /// <summary>Queues one record for export, or drops and counts it when the queue is full. Never waits.</summary>
    public void Offer(in AuditExportEntry entry)
    {
        if (!_queue.Writer.TryWrite(entry)) Drop(1);
    }

    private void Drop(long count)
    {
        Interlocked.Add(ref _dropped, count);
        DroppedCounter.Add(count, new KeyValuePair<string, object?>("sink", Sink));
        Interlocked.Add(ref _droppedSinceLog, count);
        long now = _time.GetTimestamp();
        long next = Interlocked.Read(ref _nextLog);
        if (now >= next && Interlocked.CompareExchange(ref _nextLog, now + (long)(LogInterval.TotalSeconds * _time.TimestampFrequency), next) == next)
        {
            LogDropped(_logger, Sink, Interlocked.Exchange(ref _droppedSinceLog, 0), LogInterval.TotalSeconds);
        }
    }

    private async Task RunAsync()
    {
        var backoff = TimeSpan.FromMilliseconds(250);
        try
        {
            while (await _queue.Reader.WaitToReadAsync(_stop.Token).ConfigureAwait(false))
            {
                while (_queue.Reader.TryPeek(out var entry))
                {
                    var message = _transport.Format(entry);
                    try
                    {
                        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(_stop.Token);
                        timeout.CancelAfter(SendTimeout);
                        await _transport.SendAsync(message, timeout.Token).ConfigureAwait(false);
                    }
                    catch (Exception e) when (!_stop.IsCancellationRequested && e is SocketException or IOException or OperationCanceledException or ObjectDisposedException)
                    {
                        _transport.Reset();
                        LastError = $"{e.GetType().Name}: {e.Message}";
                        LogSendFailed(_logger, Sink, e.Message, backoff.TotalSeconds);
                        await Task.Delay(backoff, _time, _stop.Token).ConfigureAwait(false);
                        backoff = TimeSpan.FromTicks(Math.Min(backoff.Ticks * 2, TimeSpan.FromSeconds(30).Ticks));
                        continue;
                    }
                    backoff = TimeSpan.FromMilliseconds(250);
                    _queue.Reader.TryRead(out _);
                    Interlocked.Increment(ref _sent);
                    SentCounter.Add(1, new KeyValuePair<string, object?>("sink", Sink));
                }
            }
        }
        catch (OperationCanceledException) when (_stop.IsCancellationRequested)
        {
        }
    }

    /// <summary>Sends what is queued for up to <paramref name="drain"/>, then counts the rest as dropped and closes the sink.</summary>
    public async ValueTask StopAsync(TimeSpan drain)
    {
        _queue.Writer.TryComplete();
        if (await Task.WhenAny(_worker, Task.Delay(drain, _time)).ConfigureAwait(false) != _worker) await _stop.CancelAsync().ConfigureAwait(false);
        await _worker.ConfigureAwait(false);
        long left = 0;
        while (_queue.Reader.TryRead(out _)) left++;
        if (left > 0) Drop(left);
        await _transport.DisposeAsync().ConfigureAwait(false);
    }

    public ValueTask DisposeAsync() => StopAsync(TimeSpan.FromSeconds(2));

    [LoggerMessage(5980, LogLevel.Warning, "Audit export to {Sink}: {Count} records dropped in the last {Seconds} s (the queue was full: the receiver is slow or unreachable); the audit files hold them")]
    private static partial void LogDropped(ILogger logger, string sink, long count, double seconds);

    [LoggerMessage(5981, LogLevel.Warning, "Audit export to {Sink} failed ({Reason}); reconnecting in {Seconds} s")]
    private static partial void LogSendFailed(ILogger logger, string sink, string reason, double seconds);
}
