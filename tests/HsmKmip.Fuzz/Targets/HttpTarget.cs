using HsmKmip.Server.Listener;
using HsmKmip.Server.Listener.Http;
using HsmKmip.Ttlv;

namespace HsmKmip.Fuzz.Targets;

/// <summary>
/// The first bytes of a connection and the HTTPS binding behind them, as KmipConnection and KmipHttpSession read them:
/// the protocol sniffer on up to 8 bytes, then (for HTTP) request after request on one keep-alive stream — head, body
/// framing, Content-Type, body, and the XML/JSON decoding. The session answers <see cref="HttpRefusal"/> with its status,
/// <see cref="EndOfStreamException"/> by closing, and <see cref="TtlvFormatException"/> in a body with Invalid Message;
/// any other exception would be a server fault.
/// </summary>
internal static class HttpTarget
{
    private const int MaxMessageSize = 64 * 1024;
    private const int MaxRequests = 8;
    private static readonly TtlvLimits Limits = new() { MaxMessageSize = MaxMessageSize };

    public static void Run(byte[] input)
    {
        var verdict = SniffResult.NeedMore;
        for (int n = 1; n <= Math.Min(ProtocolSniffer.MaxPrefix, input.Length) && verdict == SniffResult.NeedMore; n++)
        {
            verdict = ProtocolSniffer.Classify(input.AsSpan(0, n));
        }
        if (verdict != SniffResult.Http) return;
        using var stream = new MemoryStream(input, writable: false);
        var http = new HttpInput(stream, HttpRequestHead.MaxHeadBytes);
        try
        {
            for (int i = 0; i < MaxRequests; i++)
            {
                if (!ServeOne(http)) return;
            }
        }
        catch (HttpRefusal refusal) when (refusal.Status is >= 400 and < 600)
        {
        }
        catch (EndOfStreamException)
        {
        }
    }

    // The session's ServeOneAsync and Accept without the socket: false when the stream ends or the request closes it.
    private static bool ServeOne(HttpInput input)
    {
        var head = HttpRequestHead.ReadAsync(input, CancellationToken.None).AsTask().GetAwaiter().GetResult();
        if (head is null) return false;
        _ = head.All("Host").Count();
        bool keepAlive = head.Minor == 1 ? !head.Lists("Connection", "close") : head.Lists("Connection", "keep-alive");
        long framing = HttpBody.Framing(head, MaxMessageSize);
        var (format, _) = BodyEncoding.FromContentType(head.Single("Content-Type"));
        _ = head.Single("Expect");
        using var body = HttpBody.ReadAsync(input, framing, MaxMessageSize, CancellationToken.None).AsTask().GetAwaiter().GetResult();
        if (format != BodyFormat.Ttlv)
        {
            try
            {
                _ = BodyEncoding.ToTtlv(format, body.Memory.Span, Limits);
            }
            catch (TtlvFormatException)
            {
            }
        }
        return keepAlive;
    }
}
