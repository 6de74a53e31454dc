using System.Text.Json;

namespace HsmKmip.Server.Audit;

/// <summary>The last complete line of a log file: where a restarted daemon continues the chain.</summary>
internal static class AuditTail
{
    public readonly record struct Line(long Seq, string Hash);

    /// <summary>The last complete line (null in an empty file) and whether bytes follow it without a newline (a torn write).</summary>
    public static (Line? Last, bool Torn) Read(string path)
    {
        using var f = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.ReadWrite);
        if (f.Length == 0) return (null, false);
        // Lines are well under 64 KiB (identifiers and names only); read the end of the file.
        int window = (int)Math.Min(f.Length, 256 * 1024);
        var bytes = new byte[window];
        f.Seek(-window, SeekOrigin.End);
        f.ReadExactly(bytes);
        int end = Array.LastIndexOf(bytes, (byte)'\n');
        bool torn = end != bytes.Length - 1;
        if (end < 0) return (null, torn);
        int start = Array.LastIndexOf(bytes, (byte)'\n', Math.Max(end - 1, 0)) + 1;
        if (end == 0) start = 0;
        using var doc = JsonDocument.Parse(bytes.AsMemory(start, end - start));
        return (new Line(doc.RootElement.GetProperty("seq").GetInt64(), doc.RootElement.GetProperty("hash").GetString()!), torn);
    }
}
