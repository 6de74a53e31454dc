using System.Buffers;
using System.Runtime.InteropServices;
using Microsoft.Win32.SafeHandles;

namespace HsmKmip.Store.LiteDb;

/// <summary>
/// One of the store's two files (data, log) as LiteDB sees it: an unbuffered <see cref="FileStream"/> (each page
/// write is one pwrite, in the kernel's page cache as soon as it returns, so it survives kill -9), behind a stream
/// that decides what LiteDB's "flush to disk" means. LiteDB's <c>FlushToDisk()</c> calls <c>Flush(true)</c> only on a
/// <see cref="FileStream"/>; on any other stream it calls <see cref="Flush"/>, which lands here:
/// <list type="bullet">
/// <item>data file (<see cref="SyncOnFlush"/>): LiteDB flushes it only at the end of a checkpoint's page copy (and
/// when it creates the file); that flush is one <c>fdatasync</c>, the checkpoint's durable step.</item>
/// <item>log file: LiteDB's background queue flushes it every time it drains, ~35 fsyncs per write before this
/// class. Here that flush does nothing; the store's writer thread waits until the queue has written its group's
/// pages (<see cref="WaitWritten"/>) and makes them durable with one <see cref="Sync"/> per group.</item>
/// <item>log file, the power-cut window: a transaction's last log page carries LiteDB's "confirmed" flag, and on open
/// LiteDB replays every transaction whose confirming page it finds. The kernel may write dirty pages back in any
/// order, so after a power cut the confirming page could be on the disk while an earlier page of its transaction is
/// not, and LiteDB would replay a torn transaction as whole. Before the confirming page is written, the pages before
/// it are made durable with one fdatasync (<see cref="BeforeConfirmingPage"/>); the group's own fdatasync then
/// orders the confirming page. A group whose only new page is the confirming one needs no first sync.</item>
/// </list>
/// Reads and writes arrive serialized: LiteDB wraps every stream of a StreamFactory in a ConcurrentStream that
/// locks on this object around Position + Read/Write.
/// </summary>
internal sealed partial class PageFile : Stream
{
    private readonly FileStream _file;
    private readonly object _gate = new();
    private long _writtenEnd;
    private long _syncedEnd;
    private Exception? _failure;
    private long _syncs;
    private long _bytesWritten;
    private int _disposed;
    // Data file, during a checkpoint: the last version of each page, by position, until the checkpoint's flush.
    private SortedDictionary<long, byte[]>? _coalesced;

    public PageFile(string path, bool syncOnFlush)
    {
        _file = new FileStream(path, new FileStreamOptions
        {
            Mode = FileMode.OpenOrCreate,
            Access = FileAccess.ReadWrite,
            // The OS lock file makes this process the only user; tests and the custody scan may read alongside.
            Share = FileShare.ReadWrite | FileShare.Delete,
            BufferSize = 0,
            Options = FileOptions.RandomAccess,
        });
        SyncOnFlush = syncOnFlush;
        _writtenEnd = _syncedEnd = _file.Length;
    }

    /// <summary>LiteDB's page size and where a page header keeps its "confirmed" byte (BasePage.P_IS_CONFIRMED, 5.0.20).</summary>
    internal const int PageSize = 8192;

    internal const int ConfirmedOffset = 18;

    /// <summary>True for the data file: <see cref="Flush"/> is a durable step.</summary>
    public bool SyncOnFlush { get; }

    /// <summary>fdatasync calls made on this file (for the store's metrics and the fsync-count test).</summary>
    public long Syncs => Interlocked.Read(ref _syncs);

    /// <summary>Bytes LiteDB wrote to this file (pages), for the store bench's pages-per-group figure.</summary>
    public long BytesWritten => Interlocked.Read(ref _bytesWritten);

    public override bool CanRead => true;

    public override bool CanSeek => true;

    public override bool CanWrite => true;

    public override long Length => _file.Length;

    public override long Position
    {
        get => _file.Position;
        set => _file.Position = value;
    }

    public override int Read(byte[] buffer, int offset, int count) => _file.Read(buffer, offset, count);

    public override void Write(byte[] buffer, int offset, int count)
    {
        var start = _file.Position;
        if (_coalesced is { } pending)
        {
            // A checkpoint's page copy (see BeginCoalescing): keep the newest version, write at the flush. A page
            // seen before is copied over its older version (one pooled buffer per distinct page).
            if (count != PageSize) throw new InvalidOperationException($"A checkpoint wrote {count} bytes; LiteDB writes whole {PageSize}-byte pages.");
            if (!pending.TryGetValue(start, out var page)) pending[start] = page = ArrayPool<byte>.Shared.Rent(PageSize);
            buffer.AsSpan(offset, count).CopyTo(page);
            _file.Position = start + count;
            return;
        }
        try
        {
            if (!SyncOnFlush) BeforeConfirmingPage(buffer, offset, count, start);
            _file.Write(buffer, offset, count);
            Interlocked.Add(ref _bytesWritten, count);
        }
        catch (Exception e)
        {
            // LiteDB's queue thread swallows its own failure; the writer waiting for these pages must hear of it.
            lock (_gate)
            {
                _failure = e;
                Monitor.PulseAll(_gate);
            }
            throw;
        }
        lock (_gate)
        {
            if (start + count > _writtenEnd) _writtenEnd = start + count;
            Monitor.PulseAll(_gate);
        }
    }

    /// <summary>
    /// The log's first durable step of a group: LiteDB's queue is about to write a transaction's confirming page,
    /// and pages written since the last sync lie before it. One fdatasync makes them durable first, so that a power
    /// cut can leave the confirming page missing (the transaction is then discarded on open) but never present over
    /// missing pages. Runs on LiteDB's queue thread, which writes the log's pages in order.
    /// </summary>
    private void BeforeConfirmingPage(byte[] buffer, int offset, int count, long start)
    {
        if (count != PageSize || buffer[offset + ConfirmedOffset] == 0) return;
        if (start <= Interlocked.Read(ref _syncedEnd)) return;
        Sync();
    }

    public override void Flush()
    {
        if (!SyncOnFlush) return;
        if (_coalesced is { Count: > 0 } pending)
        {
            // In file order, each distinct page once; all of them are in the file before the one fdatasync below,
            // which is where LiteDB's checkpoint flushes, before it empties the log.
            foreach (var (position, page) in pending)
            {
                RandomAccess.Write(_file.SafeFileHandle, page.AsSpan(0, PageSize), position);
                Interlocked.Add(ref _bytesWritten, PageSize);
            }
            Release(pending);
        }
        Sync();
    }

    /// <summary>
    /// Data file, around a checkpoint (<see cref="StoreEngine.Checkpoint"/>). LiteDB 5.0.20's checkpoint
    /// (WalIndexService.CheckpointInternal) reads the whole log and writes every confirmed page version it holds to
    /// the page's place in the data file, in log order: a page that 80 groups rewrote (an index's tail, the collection
    /// page) is written 80 times, so the checkpoint wrote as many bytes as the log held (store bench: ~195 KiB per
    /// insert at one writer, as much as the log itself). Between this call and <see cref="EndCoalescing"/> a page write
    /// only replaces the pending copy of that page; the checkpoint's flush (LiteDB's DiskService.Write ends with one)
    /// writes the newest version of each page once, then fdatasyncs. The data file ends exactly as LiteDB's own copy
    /// leaves it (the newest version of each page wins either way), so durability and crypto-shredding are unchanged:
    /// the log is emptied only after that flush. Nothing reads the data file meanwhile: the checkpoint holds LiteDB's
    /// exclusive lock, and it reads only the log.
    /// </summary>
    public void BeginCoalescing()
    {
        if (!SyncOnFlush) throw new InvalidOperationException("Only the data file's checkpoint writes are coalesced.");
        _coalesced = new SortedDictionary<long, byte[]>();
    }

    /// <summary>Ends <see cref="BeginCoalescing"/>. Pages not flushed (the checkpoint failed) are dropped: the log still holds them.</summary>
    public void EndCoalescing()
    {
        if (_coalesced is { } pending) Release(pending);
        _coalesced = null;
    }

    private static void Release(SortedDictionary<long, byte[]> pending)
    {
        // Cleared: an older page version may hold a blob a Destroy has since zeroed.
        foreach (var page in pending.Values) ArrayPool<byte>.Shared.Return(page, clearArray: true);
        pending.Clear();
    }

    public override void SetLength(long value)
    {
        _file.SetLength(value);
        lock (_gate) _writtenEnd = value;
        // Shrinking the log is made durable by the store's next Sync; nothing below the new end awaits a sync.
        if (Interlocked.Read(ref _syncedEnd) > value) Interlocked.Exchange(ref _syncedEnd, value);
    }

    public override long Seek(long offset, SeekOrigin origin) => _file.Seek(offset, origin);

    /// <summary>
    /// Blocks (no spinning: a monitor wait woken by each page write) until every byte below <paramref name="end"/>
    /// has been written. LiteDB's log is append-only between checkpoints and its queue writes pages in the order their
    /// positions were handed out, so reaching the end means every page of the group is in the file.
    /// </summary>
    public void WaitWritten(long end, TimeSpan timeout)
    {
        var deadline = Environment.TickCount64 + (long)timeout.TotalMilliseconds;
        lock (_gate)
        {
            while (_writtenEnd < end)
            {
                if (_failure is { } failure) throw new IOException($"Writing the store's log failed: {failure.Message}", failure);
                var left = deadline - Environment.TickCount64;
                if (left <= 0) throw new IOException($"The store's log writer did not write its pages within {timeout.TotalSeconds:F0} s ({_writtenEnd} of {end} bytes).");
                Monitor.Wait(_gate, TimeSpan.FromMilliseconds(left));
            }
        }
    }

    /// <summary>One fdatasync(2): the written pages (and the file's length) are on the disk.</summary>
    public void Sync()
    {
        long end;
        lock (_gate) end = _writtenEnd;
        if (OperatingSystem.IsWindows())
        {
            _file.Flush(flushToDisk: true);
        }
        else if (NativeMethods.Fdatasync(_file.SafeFileHandle) != 0)
        {
            throw new IOException($"fdatasync of {_file.Name} failed (errno {Marshal.GetLastPInvokeError()}).");
        }
        Interlocked.Increment(ref _syncs);
        Interlocked.Exchange(ref _syncedEnd, end);
    }

    protected override void Dispose(bool disposing)
    {
        // LiteDB disposes every pooled view of this stream; the file closes once.
        if (disposing && Interlocked.Exchange(ref _disposed, 1) == 0) _file.Dispose();
        base.Dispose(disposing);
    }

    private static partial class NativeMethods
    {
        [LibraryImport("libc.so.6", EntryPoint = "fdatasync", SetLastError = true)]
        internal static partial int Fdatasync(SafeFileHandle fd);
    }
}
