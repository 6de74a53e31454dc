namespace HsmKmip.Server.Tls;

/// <summary>Writes files that hold secrets so that no other user can ever read them, not even briefly.</summary>
internal static class PrivateFiles
{
    private const UnixFileMode OwnerOnly = UnixFileMode.UserRead | UnixFileMode.UserWrite;
    private const UnixFileMode OwnerOnlyDirectory = OwnerOnly | UnixFileMode.UserExecute;

    /// <summary>Creates <paramref name="path"/> (and missing parents) with mode 0700.</summary>
    public static void EnsureDirectory(string path)
    {
        if (Directory.Exists(path)) return;
        if (OperatingSystem.IsWindows())
        {
            Directory.CreateDirectory(path);
        }
        else
        {
            Directory.CreateDirectory(path, OwnerOnlyDirectory);
        }
    }

    /// <summary>Writes a secret file atomically (temp file created 0600, then renamed).</summary>
    public static void WriteSecret(string path, ReadOnlySpan<byte> content) => Write(path, content, OwnerOnly);

    /// <summary>Writes a public file (mode 0644) atomically.</summary>
    public static void WritePublic(string path, ReadOnlySpan<byte> content) =>
        Write(path, content, OwnerOnly | UnixFileMode.GroupRead | UnixFileMode.OtherRead);

    private static void Write(string path, ReadOnlySpan<byte> content, UnixFileMode mode)
    {
        var temp = path + ".tmp-" + Environment.ProcessId;
        var options = new FileStreamOptions { Mode = FileMode.Create, Access = FileAccess.Write, Share = FileShare.None };
        if (!OperatingSystem.IsWindows()) options.UnixCreateMode = mode;
        using (var stream = new FileStream(temp, options))
        {
            stream.Write(content);
            stream.Flush(flushToDisk: true);
        }
        File.Move(temp, path, overwrite: true);
    }
}
