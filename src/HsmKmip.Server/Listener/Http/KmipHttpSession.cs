using System.Globalization;
using System.Net.Security;
using System.Text;
using HsmKmip.Core;
using HsmKmip.Core.Logging;
using HsmKmip.Server.Configuration;
using HsmKmip.Ttlv;
using Microsoft.Extensions.Logging;

namespace HsmKmip.Server.Listener.Http;

/// <summary>
/// KMIP over HTTPS (KMIP Profiles 1.4 §5.3 "HTTPS Profile"; §5.4 XML, §5.5 JSON) on a connection whose first bytes were
/// an HTTP method: POST /kmip, the body in the encoding its Content-Type names, the answer in the same encoding with
/// status 200 — KMIP failures, including a body that does not decode, are KMIP error responses, not HTTP errors.
/// HTTP-level refusals (method, path, type, size, malformed head) get their status and a one-sentence text body, and
/// the connection closes. Requests on one connection are answered in order (keep-alive). The same limits, timeouts,
/// client identity and handler as the TTLV path apply; the head and body of a request must arrive within the
/// request-read timeout (slow clients cannot hold a connection open by dribbling header bytes). Refusals are logged
/// through <paramref name="faultLog"/>: one line per address and kind per interval (issue 17 item 6).
/// </summary>
internal sealed class KmipHttpSession(SslStream ssl, IKmipMessageHandler handler, ServerOptions options, ILogger logger, ClientPrincipal principal, string remote, FaultLogLimiter faultLog)
{
    /// <summary>The request target KMIP Profiles 1.4 §5.3 gives.</summary>
    public const string Path = "/kmip";

    private readonly TtlvLimits _limits = new() { MaxMessageSize = options.MaxMessageSize };
    private long _answered;

    /// <summary>Serves requests until the client closes, idles out, is refused, or the server stops. Returns the requests answered.</summary>
    public async Task<long> RunAsync(ReadOnlyMemory<byte> firstBytes, CancellationToken stopping)
    {
        var input = new HttpInput(ssl, HttpRequestHead.MaxHeadBytes);
        input.Seed(firstBytes.Span);
        Log.HttpSession(logger, principal.Identity, remote);
        while (true)
        {
            using (var idle = CancellationTokenSource.CreateLinkedTokenSource(stopping))
            {
                idle.CancelAfter(options.IdleTimeout);
                try
                {
                    if (!await input.WaitForDataAsync(idle.Token).ConfigureAwait(false)) return _answered;
                }
                catch (OperationCanceledException) when (!stopping.IsCancellationRequested)
                {
                    Log.IdleClosed(logger, principal.Identity, remote);
                    return _answered;
                }
                catch (OperationCanceledException)
                {
                    return _answered;
                }
            }
            if (!await ServeOneAsync(input).ConfigureAwait(false) || stopping.IsCancellationRequested) return _answered;
        }
    }

    // One request and its answer. False when the connection must close afterwards.
    private async Task<bool> ServeOneAsync(HttpInput input)
    {
        HttpRequestHead? head;
        BodyFormat format;
        string mediaType;
        bool keepAlive;
        HttpBody body;
        using (var deadline = new CancellationTokenSource(options.RequestReadTimeout))
        {
            try
            {
                head = await HttpRequestHead.ReadAsync(input, deadline.Token).ConfigureAwait(false);
                if (head is null) return false;
                long framing;
                (format, mediaType, framing) = Accept(head);
                keepAlive = head.Minor == 1 ? !head.Lists("Connection", "close") : head.Lists("Connection", "keep-alive");
                if (head.Single("Expect") is not null) await WriteAsync(100, null, ReadOnlyMemory<byte>.Empty, close: false, extra: null).ConfigureAwait(false);
                body = await HttpBody.ReadAsync(input, framing, options.MaxMessageSize, deadline.Token).ConfigureAwait(false);
            }
            catch (HttpRefusal refusal)
            {
                if (ShouldLog("http_refused", out long suppressed)) Log.HttpRefused(logger, principal.Identity, remote, refusal.Status, refusal.Message, suppressed);
                await RefuseAsync(refusal.Status, refusal.Message, refusal.Allow).ConfigureAwait(false);
                return false;
            }
            catch (OperationCanceledException)
            {
                string text = $"The request was not complete within {options.RequestReadTimeout.TotalSeconds.ToString(CultureInfo.InvariantCulture)}s.";
                if (ShouldLog("http_timeout", out long suppressed)) Log.HttpRefused(logger, principal.Identity, remote, 408, text, suppressed);
                await RefuseAsync(408, text, null).ConfigureAwait(false);
                return false;
            }
            catch (EndOfStreamException)
            {
                if (ShouldLog("framing", out long suppressed)) Log.FramingLost(logger, principal.Identity, remote, "connection closed inside an HTTP request", suppressed);
                return false;
            }
        }

        byte[] answer;
        using (body)
        {
            answer = await AnswerAsync(format, body.Memory).ConfigureAwait(false);
        }
        try
        {
            await WriteAsync(200, mediaType, answer, close: !keepAlive, extra: head.Minor == 0 && keepAlive ? "Connection: keep-alive\r\n" : null).ConfigureAwait(false);
        }
        finally
        {
            Array.Clear(answer);
        }
        _answered++;
        return keepAlive;
    }

    private bool ShouldLog(string kind, out long suppressed) => faultLog.ShouldLog(FaultLogLimiter.ClientOf(remote), kind, out suppressed);

    // KMIP Profiles 1.4 §5.3: POST to /kmip; the Content-Type names the encoding. Everything else is an HTTP refusal.
    private (BodyFormat Format, string MediaType, long Framing) Accept(HttpRequestHead head)
    {
        if (head.Minor == 1 && head.All("Host").Count() != 1) throw new HttpRefusal(400, "An HTTP/1.1 request needs exactly one Host header.");
        if (head.Method != "POST") throw new HttpRefusal(405, $"Method {BodyEncoding.Shorten(head.Method)} is not allowed; KMIP requests are sent with POST.", allow: "POST");
        if (head.Target != Path) throw new HttpRefusal(404, $"KMIP is served at {Path}, not {BodyEncoding.Shorten(head.Target)}.");
        long framing = HttpBody.Framing(head, options.MaxMessageSize);
        var (format, mediaType) = BodyEncoding.FromContentType(head.Single("Content-Type"));
        if (head.Single("Expect") is { } expect && !string.Equals(expect, "100-continue", StringComparison.OrdinalIgnoreCase))
        {
            throw new HttpRefusal(417, $"Expect: {BodyEncoding.Shorten(expect)} is not supported.");
        }
        return (format, mediaType, framing);
    }

    // The KMIP answer in the request's encoding. A body that does not decode is answered like malformed TTLV.
    private async Task<byte[]> AnswerAsync(BodyFormat format, ReadOnlyMemory<byte> body)
    {
        byte[] ttlv;
        if (format == BodyFormat.Ttlv)
        {
            ttlv = await handler.HandleAsync(body, principal, CancellationToken.None).ConfigureAwait(false);
        }
        else
        {
            byte[]? request = null;
            string? problem = null;
            try
            {
                request = BodyEncoding.ToTtlv(format, body.Span, _limits);
            }
            catch (TtlvFormatException e)
            {
                if (ShouldLog("http_body", out long suppressed)) Log.HttpBodyMalformed(logger, format.ToString(), principal.Identity, remote, e.Error.ToString(), suppressed);
                problem = $"The {format.ToString().ToUpperInvariant()} body is not a KMIP message: {e.Message.TrimEnd('.')}.";
            }
            if (request is null)
            {
                ttlv = handler.FramingError(FramingFault.NotAMessage, problem!);
            }
            else
            {
                try
                {
                    ttlv = await handler.HandleAsync(request, principal, CancellationToken.None).ConfigureAwait(false);
                }
                finally
                {
                    Array.Clear(request);
                }
            }
        }
        try
        {
            return BodyEncoding.FromTtlv(format, ttlv);
        }
        catch (ArgumentException e)
        {
            // A stored Text String with a character XML 1.0 cannot carry (U+0000, say): the client can read it over TTLV.
            return BodyEncoding.FromTtlv(format, handler.FramingError(FramingFault.NotAMessage, $"The response cannot be written in {format}: {e.Message.TrimEnd('.')}; use TTLV."));
        }
        finally
        {
            if (format != BodyFormat.Ttlv) Array.Clear(ttlv);
        }
    }

    private async Task RefuseAsync(int status, string text, string? allow)
    {
        try
        {
            await WriteAsync(status, "text/plain; charset=utf-8", Encoding.UTF8.GetBytes(text + "\n"), close: true, allow is null ? null : $"Allow: {allow}\r\n").ConfigureAwait(false);
            await DrainAsync().ConfigureAwait(false);
        }
        catch (Exception e) when (e is IOException or OperationCanceledException or NotSupportedException or InvalidOperationException)
        {
            // The client went away or does not read its refusal: the connection closes anyway.
        }
    }

    // Closing with unread request bytes makes the kernel send a reset, which can destroy the refusal before the client
    // reads it: read (and drop) what the client is still sending, bounded in bytes and time, before closing.
    private async Task DrainAsync()
    {
        var scratch = new byte[16 * 1024];
        long left = options.MaxMessageSize + (long)HttpRequestHead.MaxHeadBytes;
        using var linger = new CancellationTokenSource(TimeSpan.FromSeconds(1));
        while (left > 0)
        {
            int read = await ssl.ReadAsync(scratch, linger.Token).ConfigureAwait(false);
            if (read == 0) break;
            left -= read;
        }
        Array.Clear(scratch);
    }

    private async Task WriteAsync(int status, string? contentType, ReadOnlyMemory<byte> body, bool close, string? extra)
    {
        var head = new StringBuilder(160)
            .Append(CultureInfo.InvariantCulture, $"HTTP/1.1 {status} {ReasonPhrase(status)}\r\n");
        if (status != 100)
        {
            head.Append(CultureInfo.InvariantCulture, $"Content-Type: {contentType}\r\nContent-Length: {body.Length}\r\nCache-Control: no-store\r\n");
            if (close) head.Append("Connection: close\r\n");
            head.Append(extra);
        }
        head.Append("\r\n");
        using var timeout = new CancellationTokenSource(options.RequestReadTimeout);
        await ssl.WriteAsync(Encoding.ASCII.GetBytes(head.ToString()), timeout.Token).ConfigureAwait(false);
        if (!body.IsEmpty) await ssl.WriteAsync(body, timeout.Token).ConfigureAwait(false);
        await ssl.FlushAsync(timeout.Token).ConfigureAwait(false);
    }

    private static string ReasonPhrase(int status) => status switch
    {
        100 => "Continue",
        200 => "OK",
        400 => "Bad Request",
        404 => "Not Found",
        405 => "Method Not Allowed",
        408 => "Request Timeout",
        411 => "Length Required",
        413 => "Content Too Large",
        415 => "Unsupported Media Type",
        417 => "Expectation Failed",
        431 => "Request Header Fields Too Large",
        501 => "Not Implemented",
        505 => "HTTP Version Not Supported",
        _ => "Error",
    };
}
