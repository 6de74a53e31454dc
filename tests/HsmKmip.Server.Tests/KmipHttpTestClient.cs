using System.Net;
using System.Net.Http.Headers;
using System.Net.Security;
using System.Security.Cryptography.X509Certificates;
using System.Text;
using HsmKmip.Protocol.Vocabulary;
using HsmKmip.Ttlv;
using HsmKmip.Ttlv.Text;

namespace HsmKmip.Server.Tests;

/// <summary>
/// KMIP over HTTPS the way an HTTP client library sends it: .NET's HttpClient (SocketsHttpHandler) with the client
/// certificate, trusting only the test CA; and a raw HTTP/1.1 reader for requests HttpClient will not send.
/// </summary>
public static class KmipHttpTestClient
{
    /// <summary>The Content-Type of each encoding (KMIP Profiles 1.4 §5.3–5.5).</summary>
    public static string MediaType(string encoding) => encoding switch
    {
        "ttlv" => "application/octet-stream",
        "xml" => "text/xml",
        "json" => "application/json",
        _ => throw new ArgumentOutOfRangeException(nameof(encoding), encoding, "ttlv, xml or json"),
    };

    /// <summary>An HttpClient for https://localhost:PORT/ with keep-alive connections and mutual TLS.</summary>
    public static HttpClient Create(TestServer server, X509Certificate2 clientCertificate)
    {
        var ca = X509Certificate2.CreateFromPem(File.ReadAllText(server.Pki.CaCertificate));
        var handler = new SocketsHttpHandler
        {
            SslOptions = new SslClientAuthenticationOptions
            {
                ClientCertificates = [clientCertificate],
                CertificateChainPolicy = new X509ChainPolicy { TrustMode = X509ChainTrustMode.CustomRootTrust, CustomTrustStore = { ca }, RevocationMode = X509RevocationMode.NoCheck },
            },
            ConnectTimeout = TimeSpan.FromSeconds(10),
        };
        return new HttpClient(handler) { BaseAddress = new Uri($"https://localhost:{server.Port}/"), Timeout = TimeSpan.FromSeconds(30) };
    }

    /// <summary>The request in <paramref name="encoding"/> as an HTTP body.</summary>
    public static byte[] Encode(TtlvElement request, string encoding) => encoding switch
    {
        "ttlv" => TtlvWriter.Encode(request),
        "xml" => Encoding.UTF8.GetBytes(TtlvXml.Write(request, KmipVocabulary.Instance)),
        "json" => Encoding.UTF8.GetBytes(TtlvJson.Write(request, KmipVocabulary.Instance)),
        _ => throw new ArgumentOutOfRangeException(nameof(encoding), encoding, "ttlv, xml or json"),
    };

    /// <summary>A response body in <paramref name="encoding"/>, decoded with the repository's own codecs.</summary>
    public static TtlvElement Decode(byte[] body, string encoding) => encoding switch
    {
        "ttlv" => TtlvDecoder.Decode(body),
        "xml" => TtlvXml.Read(Encoding.UTF8.GetString(body), KmipVocabulary.Instance),
        "json" => TtlvJson.Read(Encoding.UTF8.GetString(body), KmipVocabulary.Instance),
        _ => throw new ArgumentOutOfRangeException(nameof(encoding), encoding, "ttlv, xml or json"),
    };

    /// <summary>POSTs the request to /kmip in <paramref name="encoding"/>; checks status 200 and the answer's Content-Type.</summary>
    public static async Task<TtlvElement> PostAsync(HttpClient client, TtlvElement request, string encoding)
    {
        var (status, mediaType, body) = await PostRawAsync(client, Encode(request, encoding), MediaType(encoding));
        if (status != HttpStatusCode.OK) throw new HttpRequestException($"POST /kmip answered {(int)status}: {Encoding.UTF8.GetString(body)}");
        if (mediaType != MediaType(encoding)) throw new HttpRequestException($"The answer's Content-Type is {mediaType}, not {MediaType(encoding)}.");
        return Decode(body, encoding);
    }

    /// <summary>POSTs bytes with a Content-Type; returns the status, the answer's media type and its body.</summary>
    public static async Task<(HttpStatusCode Status, string? MediaType, byte[] Body)> PostRawAsync(HttpClient client, byte[] body, string contentType)
    {
        using var content = new ByteArrayContent(body);
        content.Headers.ContentType = MediaTypeHeaderValue.Parse(contentType);
        using var response = await client.PostAsync("kmip", content);
        return (response.StatusCode, response.Content.Headers.ContentType?.MediaType, await response.Content.ReadAsByteArrayAsync());
    }

    /// <summary>One HTTP/1.1 response as read off the wire.</summary>
    public sealed record RawResponse(int Status, IReadOnlyDictionary<string, string> Headers, byte[] Body)
    {
        public string Text => Encoding.UTF8.GetString(Body);
    }

    /// <summary>Writes ASCII text (a hand-made request) and flushes.</summary>
    public static async Task WriteAsync(Stream stream, string text)
    {
        await stream.WriteAsync(Encoding.ASCII.GetBytes(text));
        await stream.FlushAsync();
    }

    /// <summary>A full request with a Content-Length body, as text head plus bytes.</summary>
    public static byte[] Request(string contentType, byte[] body, string extraHeaders = "", string method = "POST", string target = "/kmip")
    {
        var head = Encoding.ASCII.GetBytes($"{method} {target} HTTP/1.1\r\nHost: localhost\r\nContent-Type: {contentType}\r\nContent-Length: {body.Length}\r\n{extraHeaders}\r\n");
        return [.. head, .. body];
    }

    /// <summary>Reads one response (status line, headers, Content-Length body); null when the server closed first.</summary>
    public static async Task<RawResponse?> ReadResponseAsync(Stream stream, TimeSpan? timeout = null)
    {
        using var cts = new CancellationTokenSource(timeout ?? TimeSpan.FromSeconds(15));
        var head = new List<byte>();
        var one = new byte[1];
        while (head.Count < 4 || !(head[^4] == '\r' && head[^3] == '\n' && head[^2] == '\r' && head[^1] == '\n'))
        {
            if (await stream.ReadAsync(one, cts.Token) == 0)
            {
                return head.Count == 0 ? null : throw new IOException($"The server closed inside a response head: {Encoding.ASCII.GetString([.. head])}");
            }
            head.Add(one[0]);
        }
        var lines = Encoding.ASCII.GetString([.. head]).Split("\r\n", StringSplitOptions.RemoveEmptyEntries);
        int status = int.Parse(lines[0].Split(' ')[1], System.Globalization.CultureInfo.InvariantCulture);
        var headers = new Dictionary<string, string>(StringComparer.OrdinalIgnoreCase);
        foreach (var line in lines.Skip(1))
        {
            int colon = line.IndexOf(':', StringComparison.Ordinal);
            headers[line[..colon]] = line[(colon + 1)..].Trim();
        }
        var body = new byte[headers.TryGetValue("Content-Length", out var length) ? int.Parse(length, System.Globalization.CultureInfo.InvariantCulture) : 0];
        await stream.ReadExactlyAsync(body, cts.Token);
        return new RawResponse(status, headers, body);
    }

    /// <summary>True when the server closes the connection (after its answer) within the timeout.</summary>
    public static async Task<bool> ClosedAsync(Stream stream, TimeSpan? timeout = null)
    {
        using var cts = new CancellationTokenSource(timeout ?? TimeSpan.FromSeconds(10));
        try
        {
            var buffer = new byte[256];
            while (true)
            {
                if (await stream.ReadAsync(buffer, cts.Token) == 0) return true;
            }
        }
        catch (IOException)
        {
            return true;
        }
        catch (OperationCanceledException)
        {
            return false;
        }
    }
}
