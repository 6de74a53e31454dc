using HsmKmip.Core.Store;

namespace HsmKmip.Store.LiteDb;

/// <summary>
/// The files of one store and their permissions. LiteDB creates its files with the process umask, so they are
/// created here first, empty and owner-only (0600), before LiteDB opens them; a new folder is made 0700.
/// </summary>
internal static class StoreFiles
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

    public static string Describe(string dataPath) => Path.GetFullPath(dataPath);

    public static ObjectStoreException Unavailable(string message, Exception? inner = null) =>
        new(ObjectStoreError.Unavailable, message, inner);
}
