namespace HsmKmip.Server.Listener;

/// <summary>What the first bytes after the handshake say the client speaks.</summary>
internal enum SniffResult
{
    /// <summary>Not enough bytes yet to tell.</summary>
    NeedMore,
    /// <summary>A TTLV message: first byte 0x42 (every KMIP tag is 0x42xxxx, KMIP 1.4 §9.1.1.1), second 0x00.</summary>
    Ttlv,
    /// <summary>An HTTP request line: the bytes start with a method token and a space (RFC 9110 §9).</summary>
    Http,
    /// <summary>Neither: answered at once.</summary>
    Neither,
}

/// <summary>
/// Decides from as few bytes as possible whether a connection speaks TTLV or HTTP (issue 17: a frame starting with
/// 0x42 0x01 or a letter was taken for HTTP and held 30 s before a 408). Anything that is not a prefix of a KMIP tag
/// or of an HTTP method token is refused at the first byte that rules both out.
/// </summary>
internal static class ProtocolSniffer
{
    private static readonly byte[][] Methods =
        [.. new[] { "GET ", "POST ", "PUT ", "HEAD ", "DELETE ", "OPTIONS ", "PATCH ", "CONNECT ", "TRACE " }.Select(m => System.Text.Encoding.ASCII.GetBytes(m))];

    /// <summary>The longest method token with its space: 8 bytes, the same as a TTLV header.</summary>
    public const int MaxPrefix = 8;

    public static SniffResult Classify(ReadOnlySpan<byte> first)
    {
        if (first.IsEmpty) return SniffResult.NeedMore;
        if (first[0] == 0x42)
        {
            if (first.Length == 1) return SniffResult.NeedMore;
            return first[1] == 0x00 ? SniffResult.Ttlv : SniffResult.Neither;
        }
        bool couldBe = false;
        foreach (var method in Methods)
        {
            int n = Math.Min(method.Length, first.Length);
            if (!first[..n].SequenceEqual(method.AsSpan(0, n))) continue;
            if (n == method.Length) return SniffResult.Http;
            couldBe = true;
        }
        return couldBe ? SniffResult.NeedMore : SniffResult.Neither;
    }
}
