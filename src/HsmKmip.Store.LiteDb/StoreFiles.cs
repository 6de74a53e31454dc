using System.Runtime.InteropServices;
using HsmKmip.Core.Store;

namespace HsmKmip.Store.LiteDb;

/// <summary>
/// The files of one store and their permissions. LiteDB creates its files with the process umask, so they are
/// created here first, empty and owner-only (0600), before LiteDB opens them; a new folder is made 0700.
/// </summary>
internal static partial class StoreFiles
{
    public const UnixFileMode OwnerOnlyFile = UnixFileMode.UserRead | UnixFileMode.UserWrite;

    public const UnixFileMode OwnerOnlyFolder = UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute;

    /// <summary>LiteDB's write-ahead log beside <paramref name="dataPath"/>: "store.db" → "store-log.db".</summary>
    public static string LogPath(string dataPath) =>
        Path.Combine(Path.GetDirectoryName(dataPath) ?? "", Path.GetFileNameWithoutExtension(dataPath) + "-log" + Path.GetExtension(dataPath));

    public static string LockPath(string dataPath) => dataPath + ".lock";

    public static string PidPath(string dataPath) => dataPath + ".lock.pid";

    public static void EnsureFolder(string dataPath)
    {
        var folder = Path.GetDirectoryName(dataPath);
        if (string.IsNullOrEmpty(folder) || Directory.Exists(folder)) return;
        if (OperatingSystem.IsWindows()) Directory.CreateDirectory(folder);
        else Directory.CreateDirectory(folder, OwnerOnlyFolder);
    }

    /// <summary>Creates <paramref name="path"/> empty and owner-only when it does not exist; tightens it to 0600 when it does.</summary>
    public static void EnsureOwnerOnly(string path)
    {
        if (OperatingSystem.IsWindows()) return;
        if (!File.Exists(path))
        {
            try
            {
                using var created = new FileStream(path, new FileStreamOptions
                {
                    Mode = FileMode.CreateNew,
                    Access = FileAccess.Write,
                    Share = FileShare.ReadWrite,
                    UnixCreateMode = OwnerOnlyFile,
                });
                return;
            }
            catch (IOException) when (File.Exists(path))
            {
                // Created meanwhile: fall through and tighten it.
            }
        }
        if (File.GetUnixFileMode(path) != OwnerOnlyFile) File.SetUnixFileMode(path, OwnerOnlyFile);
    }

    /// <summary>A new file, owner-only from its first byte (0600), for writing; fails when it exists.</summary>
    public static FileStream CreateOwnerOnlyFile(string path)
    {
        var options = new FileStreamOptions { Mode = FileMode.CreateNew, Access = FileAccess.Write, Share = FileShare.None };
        if (!OperatingSystem.IsWindows()) options.UnixCreateMode = OwnerOnlyFile;
        return new FileStream(path, options);
    }

    /// <summary>Makes a rename or delete in <paramref name="folder"/> durable (fsync of the directory; a no-op on Windows).</summary>
    /// <remarks>.NET refuses to open a directory as a file, hence open(2)/fsync(2) directly.</remarks>
    public static void FsyncFolder(string folder)
    {
        if (OperatingSystem.IsWindows()) return;
        const int ReadOnlyDirectory = 0x10000; // O_RDONLY | O_DIRECTORY (Linux)
        var fd = NativeMethods.Open(folder, ReadOnlyDirectory);
        if (fd < 0) throw new IOException($"Cannot open the folder {folder} to make a rename durable (errno {Marshal.GetLastPInvokeError()}).");
        try
        {
            if (NativeMethods.Fsync(fd) != 0) throw new IOException($"fsync of the folder {folder} failed (errno {Marshal.GetLastPInvokeError()}).");
        }
        finally
        {
            _ = NativeMethods.Close(fd);
        }
    }

    public static void DeleteQuietly(string path)
    {
        try
        {
            File.Delete(path);
        }
        catch (IOException)
        {
        }
        catch (UnauthorizedAccessException)
        {
        }
    }

    public static string Describe(string dataPath) => Path.GetFullPath(dataPath);

    public static ObjectStoreException Unavailable(string message, Exception? inner = null) =>
        new(ObjectStoreError.Unavailable, message, inner);

    private static partial class NativeMethods
    {
        [LibraryImport("libc.so.6", EntryPoint = "open", StringMarshalling = StringMarshalling.Utf8, SetLastError = true)]
        internal static partial int Open(string path, int flags);

        [LibraryImport("libc.so.6", EntryPoint = "fsync", SetLastError = true)]
        internal static partial int Fsync(int fd);

        [LibraryImport("libc.so.6", EntryPoint = "close", SetLastError = true)]
        internal static partial int Close(int fd);
    }
}
