using System.Runtime.InteropServices;
using Microsoft.Win32.SafeHandles;

namespace HsmKmip.Server.Audit;

/// <summary>
/// Where the audit log lives: <c>STATE/audit/audit-SEQ.jsonl</c>, one file per rotation, named by the sequence number of
/// its first record so that name order is log order. The folder is 0700 and every file 0600: only the daemon's user
/// (and root) can read who did what.
/// </summary>
internal static partial class AuditFiles
{
    public const UnixFileMode FolderMode = UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute;
    public const UnixFileMode FileMode = UnixFileMode.UserRead | UnixFileMode.UserWrite;

    public static string Folder(string stateDir) => Path.Combine(stateDir, "audit");

    public static string NameFor(long firstSeq) => $"audit-{firstSeq.ToString("D12", System.Globalization.CultureInfo.InvariantCulture)}.jsonl";

    /// <summary>The log's files, oldest first.</summary>
    public static IReadOnlyList<string> List(string folder) =>
        Directory.Exists(folder) ? Directory.GetFiles(folder, "audit-*.jsonl").Order(StringComparer.Ordinal).ToArray() : [];

    public static void EnsureFolder(string folder)
    {
        if (OperatingSystem.IsWindows()) Directory.CreateDirectory(folder);
        else Directory.CreateDirectory(folder, FolderMode);
    }

    /// <summary>Opens a log file for appending, owner-only, unbuffered (the writer hands it whole groups).</summary>
    public static FileStream OpenAppend(string path) => new(path, Options(System.IO.FileMode.Append, bufferSize: 0));

    private static FileStreamOptions Options(System.IO.FileMode mode, int bufferSize)
    {
        var options = new FileStreamOptions { Mode = mode, Access = FileAccess.Write, Share = FileShare.Read, BufferSize = bufferSize };
        if (!OperatingSystem.IsWindows()) options.UnixCreateMode = FileMode;
        return options;
    }

    /// <summary>
    /// fdatasync(2): the appended bytes and the file size reach the disk, without the inode times fsync would also write
    /// (PLATFORM-NOTES: one durable step per group is the budget).
    /// </summary>
    public static void SyncData(SafeFileHandle handle)
    {
        if (OperatingSystem.IsWindows())
        {
            RandomAccess.FlushToDisk(handle);
            return;
        }
        bool added = false;
        try
        {
            handle.DangerousAddRef(ref added);
            if (Native.FdataSync((int)handle.DangerousGetHandle()) != 0)
            {
                throw new IOException($"fdatasync of the audit log failed (errno {Marshal.GetLastPInvokeError()}).");
            }
        }
        finally
        {
            if (added) handle.DangerousRelease();
        }
    }

    /// <summary>Writes a small file (the wrapped audit key) by rename, owner-only and synced, so that a crash leaves the old or the new one.</summary>
    public static void WriteAtomically(string path, byte[] content)
    {
        var temporary = path + ".tmp";
        using (var f = new FileStream(temporary, Options(System.IO.FileMode.Create, bufferSize: 4096)))
        {
            f.Write(content);
            f.Flush(flushToDisk: true);
        }
        File.Move(temporary, path, overwrite: true);
    }

    private static partial class Native
    {
        [LibraryImport("libc.so.6", EntryPoint = "fdatasync", SetLastError = true)]
        internal static partial int FdataSync(int fd);
    }
}
