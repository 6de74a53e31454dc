using System.Buffers;
using System.Threading.Channels;
using HsmKmip.Core.Audit;
using HsmKmip.Core.Keys;
using Microsoft.Extensions.Logging;

namespace HsmKmip.Server.Audit;

/// <summary>
/// The audit log as hash-chained JSON Lines files with HSM-keyed checkpoints (<see cref="AuditLine"/>). One writer task
/// takes every record queued since its last write as a group: it writes the group with one write(2), and when any record
/// of the group is durable (a mutating operation waits for it) with one fdatasync(2). A lone record is written at once,
/// no timer. Non-durable records are in the kernel after their group (a killed daemon keeps them) and on disk after the
/// next durable group, a rotation, or a clean stop.
/// <para>
/// A mutating item whose store write carried its <see cref="AuditIntent"/> (the LiteDB store) is appended non-durable
/// with the intent's id: the store's group commit already made the fact durable. Such records are fdatasynced in the
/// background, at most <see cref="AuditOptions.BackgroundSyncDelay"/> after the first of them (or with the next
/// durable group, checkpoint, rotation or clean stop), and then reported through <see cref="IntentsDurable"/> so the
/// store deletes their intents. One background fdatasync covers every group of that interval.
/// </para>
/// </summary>
internal sealed partial class AuditFileSink : IAuditSink, IAsyncDisposable, IDisposable
{
    private readonly Channel<Entry> _queue = Channel.CreateUnbounded<Entry>(new UnboundedChannelOptions { SingleReader = true });
    private readonly AuditOptions _options;
    private readonly IAuditCheckpointKey? _key;
    private readonly TimeProvider _time;
    private readonly ILogger _logger;
    private readonly ArrayBufferWriter<byte> _buffer = new(64 * 1024);
    private readonly List<TaskCompletionSource> _waiters = [];
    private FileStream _file;
    private DateOnly _fileDay;
    private long _seq;
    private string _prev;
    private int _sinceCheckpoint;
    private DateTimeOffset _lastCheckpoint;
    private Exception? _fault;
    private Task _writer = Task.CompletedTask;
    // Intent ids of records written but not yet fdatasynced, and when the first of them was written.
    private readonly List<string> _unsynced = [];
    private long _firstUnsynced;
    private CancellationTokenSource _delay = new();
    private long _syncs;

    private readonly record struct Entry(AuditRecord Record, TaskCompletionSource? Done);

    private AuditFileSink(AuditOptions options, IAuditCheckpointKey? key, TimeProvider time, ILogger logger, FileStream file, long seq, string prev)
    {
        _options = options;
        _key = key;
        _time = time;
        _logger = logger;
        _file = file;
        _fileDay = DateOnly.FromDateTime(time.GetUtcNow().UtcDateTime);
        _seq = seq;
        _prev = prev;
        _lastCheckpoint = time.GetUtcNow();
    }

    /// <summary>
    /// Told, from the writer task, the intent ids whose records are now on stable storage (the store then deletes them).
    /// Set before the first record with an intent is appended.
    /// </summary>
    public Action<IReadOnlyCollection<string>>? IntentsDurable { get; set; }

    /// <summary>fdatasync calls of the audit files since the sink opened (the fsync count of a write group includes them).</summary>
    public long Syncs => Interlocked.Read(ref _syncs);

    /// <summary>
    /// The optional syslog/journald copies (docs/audit-and-metrics.md "Export"): each item line is offered to them with
    /// its sequence number and hash once built. Offering never waits; the export owns its queues and threads.
    /// </summary>
    internal Export.AuditExport? Export { get; init; }

    /// <summary>Records written so far (the sequence number of the last line).</summary>
    public long LastSequence => Volatile.Read(ref _seq);

    /// <summary>Opens the log: continues the chain of the newest file (a new file when its tail is torn) and writes an "open" checkpoint.</summary>
    /// <summary>The checkpoint key (KEK rotation re-wraps it through the daemon's own instance).</summary>
    internal IAuditCheckpointKey? CheckpointKey => _key;

    public static async Task<AuditFileSink> OpenAsync(AuditOptions options, IAuditCheckpointKey? key, TimeProvider time, ILogger logger, CancellationToken cancellationToken,
        Export.AuditExport? export = null)
    {
        AuditFiles.EnsureFolder(options.Folder);
        long seq = 0;
        string prev = AuditLine.Genesis;
        string? path = null;
        if (AuditFiles.List(options.Folder) is { Count: > 0 } files)
        {
            var tail = AuditTail.Read(files[^1]);
            if (tail.Last is { } last)
            {
                seq = last.Seq;
                prev = last.Hash;
            }
            if (!tail.Torn) path = files[^1];
            else LogTornTail(logger, files[^1]);
        }
        var file = AuditFiles.OpenAppend(path ?? Path.Combine(options.Folder, AuditFiles.NameFor(seq + 1)));
        var sink = new AuditFileSink(options, key, time, logger, file, seq, prev) { Export = export };
        await sink.CheckpointAsync("open", cancellationToken).ConfigureAwait(false);
        sink.Flush(sync: true);
        sink._writer = Task.Run(sink.WriteLoopAsync, CancellationToken.None);
        return sink;
    }

    public ValueTask AppendAsync(AuditRecord record, bool durable, CancellationToken cancellationToken)
    {
        if (Volatile.Read(ref _fault) is { } fault) throw new AuditException("The audit log is not writable since an earlier failure; see the daemon's log.", fault);
        var done = durable ? new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously) : null;
        if (!_queue.Writer.TryWrite(new Entry(record, done))) throw new AuditException("The audit log is closed (the daemon is stopping).");
        return done is null ? ValueTask.CompletedTask : new ValueTask(done.Task);
    }

    private async Task WriteLoopAsync()
    {
        var reader = _queue.Reader;
        while (true)
        {
            try
            {
                if (!await WaitAsync(reader).ConfigureAwait(false)) break;
                bool sync = false;
                while (_buffer.WrittenCount < 1 << 20 && reader.TryRead(out var e))
                {
                    _prev = AuditLine.WriteItem(_buffer, ++_seq, _options.Node, e.Record, _prev);
                    Export?.Offer(_seq, _prev, _options.Node, e.Record);
                    _sinceCheckpoint++;
                    if (e.Done is not null)
                    {
                        _waiters.Add(e.Done);
                        sync = true;
                    }
                    if (e.Record.Intent is { } intent && !e.Record.Recovered)
                    {
                        if (_unsynced.Count == 0) _firstUnsynced = Environment.TickCount64;
                        _unsynced.Add(intent);
                    }
                }
                if (_sinceCheckpoint >= _options.CheckpointEvery || _time.GetUtcNow() - _lastCheckpoint >= _options.CheckpointInterval)
                {
                    sync |= await CheckpointAsync("periodic", CancellationToken.None).ConfigureAwait(false);
                }
                sync |= _unsynced.Count >= _options.BackgroundSyncRecords;
                Flush(sync);
                AuditMetrics.Group(_waiters.Count, sync);
                foreach (var w in _waiters) w.TrySetResult();
                _waiters.Clear();
                if (RotationDue()) await RotateAsync().ConfigureAwait(false);
            }
            catch (IOException e)
            {
                Fail(e);
                return;
            }
            catch (UnauthorizedAccessException e)
            {
                Fail(e);
                return;
            }
        }
        // A clean stop: the rest is written, a closing checkpoint vouches for the tail, everything is synced.
        try
        {
            await CheckpointAsync("close", CancellationToken.None).ConfigureAwait(false);
            Flush(sync: true);
        }
        catch (IOException e)
        {
            Fail(e);
        }
    }

    /// <summary>
    /// Waits for the next record; false once the queue is completed and drained. While records with intents wait for
    /// their fdatasync, waits no longer than their delay allows and syncs them when it runs out (the background sync).
    /// </summary>
    private async ValueTask<bool> WaitAsync(ChannelReader<Entry> reader)
    {
        while (true)
        {
            if (_unsynced.Count == 0) return await reader.WaitToReadAsync().ConfigureAwait(false);
            if (reader.TryPeek(out _)) return true;
            var left = (long)_options.BackgroundSyncDelay.TotalMilliseconds - (Environment.TickCount64 - _firstUnsynced);
            if (left > 0)
            {
                _delay.CancelAfter(TimeSpan.FromMilliseconds(left));
                try
                {
                    var more = await reader.WaitToReadAsync(_delay.Token).ConfigureAwait(false);
                    if (!_delay.TryReset())
                    {
                        _delay.Dispose();
                        _delay = new CancellationTokenSource();
                    }
                    return more;
                }
                catch (OperationCanceledException)
                {
                    _delay.Dispose();
                    _delay = new CancellationTokenSource();
                }
            }
            Flush(sync: true);
        }
    }

    /// <summary>Appends a checkpoint line when the HSM answers; returns whether one was written. An HSM outage postpones it.</summary>
    private async ValueTask<bool> CheckpointAsync(string reason, CancellationToken cancellationToken)
    {
        if (_key is null) return false;
        byte[] mac;
        try
        {
            if (_key is HsmAuditKey hsm) await hsm.RewrapIfStaleAsync(cancellationToken).ConfigureAwait(false);
            mac = await _key.MacAsync(AuditLine.CheckpointInput(_seq + 1, _prev), cancellationToken).ConfigureAwait(false);
        }
        catch (KeyBackendException e)
        {
            LogCheckpointPostponed(_logger, e.Message);
            return false;
        }
        _prev = AuditLine.WriteCheckpoint(_buffer, ++_seq, _options.Node, _time.GetUtcNow(), reason, _key.KeyId, Convert.ToHexStringLower(mac), _prev);
        _sinceCheckpoint = 0;
        _lastCheckpoint = _time.GetUtcNow();
        return true;
    }

    private void Flush(bool sync)
    {
        if (_buffer.WrittenCount > 0)
        {
            _file.Write(_buffer.WrittenSpan);
            _buffer.ResetWrittenCount();
        }
        if (!sync) return;
        AuditFiles.SyncData(_file.SafeFileHandle);
        Interlocked.Increment(ref _syncs);
        AuditMetrics.Synced();
        if (_unsynced.Count == 0) return;
        // Every line written so far is on stable storage: their intents may leave the store.
        var durable = _unsynced.ToArray();
        _unsynced.Clear();
        IntentsDurable?.Invoke(durable);
    }

    private bool RotationDue() =>
        _file.Length >= _options.MaxFileBytes || (_options.RotateDaily && DateOnly.FromDateTime(_time.GetUtcNow().UtcDateTime) != _fileDay);

    private async ValueTask RotateAsync()
    {
        await CheckpointAsync("rotate", CancellationToken.None).ConfigureAwait(false);
        Flush(sync: true);
        await _file.DisposeAsync().ConfigureAwait(false);
        _file = AuditFiles.OpenAppend(Path.Combine(_options.Folder, AuditFiles.NameFor(_seq + 1)));
        _fileDay = DateOnly.FromDateTime(_time.GetUtcNow().UtcDateTime);
        if (_options.RetentionDays > 0) Prune();
    }

    /// <summary>Deletes files older than the retention (never the current one); the oldest file left then starts the chain.</summary>
    private void Prune()
    {
        var limit = _time.GetUtcNow().UtcDateTime - TimeSpan.FromDays(_options.RetentionDays);
        foreach (var f in AuditFiles.List(_options.Folder))
        {
            if (f == _file.Name || File.GetLastWriteTimeUtc(f) >= limit) continue;
            File.Delete(f);
            LogPruned(_logger, f);
        }
    }

    private void Fail(Exception e)
    {
        Volatile.Write(ref _fault, e);
        LogWriteFailed(_logger, e);
        foreach (var w in _waiters) w.TrySetException(new AuditException("The audit record could not be written.", e));
        _waiters.Clear();
        _queue.Writer.TryComplete();
        while (_queue.Reader.TryRead(out var entry)) entry.Done?.TrySetException(new AuditException("The audit record could not be written.", e));
    }

    /// <summary>Writes what is queued, a closing checkpoint, syncs and closes the file.</summary>
    public async ValueTask DisposeAsync()
    {
        _queue.Writer.TryComplete();
        await _writer.ConfigureAwait(false);
        await _file.DisposeAsync().ConfigureAwait(false);
        _delay.Dispose();
        if (Export is not null) await Export.DisposeAsync().ConfigureAwait(false);
    }

    /// <summary>As <see cref="DisposeAsync"/>, for a container disposed synchronously.</summary>
    public void Dispose() => DisposeAsync().AsTask().GetAwaiter().GetResult();

    [LoggerMessage(2110, LogLevel.Warning, "The audit file {File} ends in a torn line (a crash during a write); the log continues in a new file and `hsmkmip audit verify` will name it")]
    private static partial void LogTornTail(ILogger logger, string file);

    [LoggerMessage(2111, LogLevel.Warning, "Audit checkpoint postponed: the HSM did not answer ({Reason})")]
    private static partial void LogCheckpointPostponed(ILogger logger, string reason);

    [LoggerMessage(2112, LogLevel.Information, "Audit file {File} deleted: older than the retention")]
    private static partial void LogPruned(ILogger logger, string file);

    [LoggerMessage(2113, LogLevel.Critical, "The audit log could not be written; every request is refused until the daemon restarts")]
    private static partial void LogWriteFailed(ILogger logger, Exception exception);
}
