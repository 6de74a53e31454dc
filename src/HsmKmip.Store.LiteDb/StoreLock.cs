using System.Globalization;
using HsmKmip.Core.Store;

namespace HsmKmip.Store.LiteDb;

/// <summary>
/// The OS-level exclusive lock that makes the daemon the store's only user. LiteDB's own file sharing lets two
/// processes open the same file (its writer asks only for a shared lock), which loses writes on Linux; this lock
/// file, opened with <see cref="FileShare.None"/> (flock LOCK_EX on Linux), is held for the store's whole life
/// and released by the kernel when the process dies, so a crash never leaves a stale lock.
/// </summary>
internal sealed class StoreLock : IDisposable
{
    private readonly FileStream _lock;
    private readonly string _pidPath;

    private StoreLock(FileStream @lock, string pidPath)
    {
        _lock = @lock;
        _pidPath = pidPath;
    }

    public static StoreLock Acquire(string dataPath)
    {
        var lockPath = StoreFiles.LockPath(dataPath);
        var pidPath = StoreFiles.PidPath(dataPath);
        FileStream stream;
        try
        {
            var options = new FileStreamOptions { Mode = FileMode.OpenOrCreate, Access = FileAccess.ReadWrite, Share = FileShare.None };
            if (!OperatingSystem.IsWindows()) options.UnixCreateMode = StoreFiles.OwnerOnlyFile;
            stream = new FileStream(lockPath, options);
        }
        catch (IOException e)
        {
            throw new ObjectStoreException(
                ObjectStoreError.Unavailable,
                $"The store {StoreFiles.Describe(dataPath)} is in use by another process{HolderSuffix(pidPath)}: only the hsmkmip daemon opens it. " +
                "Stop the daemon (or run the command through it) and retry.",
                e);
        }
        catch (UnauthorizedAccessException e)
        {
            throw new ObjectStoreException(ObjectStoreError.Unavailable, $"Cannot create the lock file {lockPath}: permission denied.", e);
        }

        try
        {
            // The pid goes to a second file: while the lock is held, nobody else can open the lock file to read it.
            var options = new FileStreamOptions { Mode = FileMode.Create, Access = FileAccess.Write, Share = FileShare.Read };
            if (!OperatingSystem.IsWindows()) options.UnixCreateMode = StoreFiles.OwnerOnlyFile;
            using var pid = new FileStream(pidPath, options);
            using var writer = new StreamWriter(pid);
            writer.Write(Environment.ProcessId.ToString(CultureInfo.InvariantCulture));
        }
        catch (IOException)
        {
            // Only a diagnostic; the lock itself is held.
        }
        return new StoreLock(stream, pidPath);
    }

    private static string HolderSuffix(string pidPath)
    {
        try
        {
            var text = File.ReadAllText(pidPath).Trim();
            if (int.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out var pid) && pid > 0) return $" (pid {pid})";
        }
        catch (IOException)
        {
        }
        catch (UnauthorizedAccessException)
        {
        }
        return "";
    }

    public void Dispose()
    {
        try
        {
            File.Delete(_pidPath);
        }
        catch (IOException)
        {
        }
        catch (UnauthorizedAccessException)
        {
        }
        _lock.Dispose();
    }
}
