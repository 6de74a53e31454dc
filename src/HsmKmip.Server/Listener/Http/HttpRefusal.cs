namespace HsmKmip.Server.Listener.Http;

/// <summary>
/// A request the HTTP layer refuses before KMIP sees it: answered with <see cref="Status"/> and a one-sentence text
/// body, then the connection is closed (the rest of the request cannot be trusted to frame the next one).
/// </summary>
internal sealed class HttpRefusal : Exception
{
    public HttpRefusal(int status, string message, string? allow = null) : base(message)
    {
        Status = status;
        Allow = allow;
    }

    public HttpRefusal() : this(400, "Bad request.") { }

    public HttpRefusal(string message) : this(400, message) { }

    public HttpRefusal(string message, Exception inner) : base(message, inner) => Status = 400;

    /// <summary>The HTTP status code (400, 404, 405, 411, 413, 415, 417, 431, 501, 505).</summary>
    public int Status { get; }

    /// <summary>The Allow header of a 405 answer.</summary>
    public string? Allow { get; }

    public static HttpRefusal HeadTooLarge() =>
        new(431, $"The request head is larger than {HttpRequestHead.MaxHeadBytes} bytes.");

    public static HttpRefusal ChunkLineTooLong() =>
        new(400, "A chunk-size line is longer than 1024 bytes or a chunk does not end in CRLF.");
}
