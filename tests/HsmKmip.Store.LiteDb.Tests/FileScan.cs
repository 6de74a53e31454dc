namespace HsmKmip.Store.LiteDb.Tests;

/// <summary>Looks for raw bytes in every file of a folder: the proof that a shredded blob is gone from the store.</summary>
public static class FileScan
{
    public static IReadOnlyList<string> FilesContaining(string folder, byte[] needle)
    {
        var hits = new List<string>();
        foreach (var file in Directory.EnumerateFiles(folder, "*", SearchOption.AllDirectories))
        {
            byte[] bytes;
            try
            {
                using var stream = new FileStream(file, FileMode.Open, FileAccess.Read, FileShare.ReadWrite | FileShare.Delete);
                bytes = new byte[stream.Length];
                stream.ReadExactly(bytes);
            }
            catch (IOException) when (new FileInfo(file).Length == 0)
            {
                // The store's lock file: flock'ed, so it cannot be opened while the store is open, and always empty.
                continue;
            }
            if (bytes.AsSpan().IndexOf(needle) >= 0) hits.Add(Path.GetFileName(file));
        }
        return hits;
    }
}
