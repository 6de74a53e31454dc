using System.Net.Security;
using System.Security.Cryptography.X509Certificates;
using System.Text;
using System.Xml.Linq;
using HsmKmip.Protocol.Vocabulary;
using HsmKmip.Server.Tests;
using HsmKmip.Ttlv;
using HsmKmip.Ttlv.Text;

namespace HsmKmip.Conformance.Tests;

/// <summary>How a replay runs: the normal conformance replay is <see cref="Default"/>.</summary>
/// <param name="Version">Send every request in this protocol version instead of the file's.</param>
/// <param name="Capture">Receives every TTLV request sent and its response message as the server sent it.</param>
/// <param name="KeepGoing">Go on after a response differs from the file's.</param>
/// <param name="Exchanged">Receives each exchange as OASIS XML: the request sent (placeholders filled in), the file's expected response, the response received.</param>
public sealed record ReplayOptions(KmipVersion? Version = null, Action<TtlvElement, byte[]>? Capture = null, bool KeepGoing = false,
    Action<XElement, XElement, XElement>? Exchanged = null)
{
    public static ReplayOptions Default { get; } = new();
}

/// <summary>How one file went: passed, or the first difference with both messages for reading.</summary>
public sealed record FileResult(string File, bool Passed, int Exchanges, string? Failure);

/// <summary>
/// Replays one OASIS file against the in-process server over one mutual-TLS connection: each request with its
/// placeholders filled in, each response compared with <see cref="ResponseMatcher"/>. Stops at the first difference.
/// Each file group ("SASED-M") has a client identity of its own, so Locate sees only that group's objects (objects
/// belong to their creator); within a group files run in number order, because some use what an earlier one left
/// (SASED-M-3-14 locates the group SASED-M-2-14 made).
/// </summary>
public static class ConformanceRunner
{
    private static readonly KmipVocabulary Vocabulary = KmipVocabulary.Instance;

    /// <summary>Objects the server generated during this run, across files.</summary>
    private static readonly HashSet<string> Generated = new(StringComparer.Ordinal);

    public static Task<FileResult> RunAsync(ConformanceFile file, TestServer server) => RunAsync(file, server, ReplayOptions.Default);

    /// <summary>
    /// Replays <paramref name="file"/>; with <see cref="ReplayOptions.Version"/> every request is sent in that version
    /// instead (the real-decoder check), with <see cref="ReplayOptions.Capture"/> every TTLV answer is handed over as
    /// sent, and with <see cref="ReplayOptions.KeepGoing"/> a difference does not stop the file (only a request that
    /// cannot be built does).
    /// </summary>
    public static async Task<FileResult> RunAsync(ConformanceFile file, TestServer server, ReplayOptions options)
    {
        using var client = IssueClient(server, ClientName(file, options)["oasis-".Length..]);
        await using var transport = await Transport.OpenAsync(file.Profile, server, client);
        var placeholders = new Placeholders(Generated);
        var messages = file.Messages;
        int exchanges = 0;
        for (int i = 0; i + 1 < messages.Count; i += 2)
        {
            var requestXml = messages[i];
            var expected = messages[i + 1];
            if (requestXml.Name != "RequestMessage" || expected.Name != "ResponseMessage")
            {
                return new FileResult(file.Name, false, exchanges, $"message {i} is not a request followed by its response");
            }
            placeholders.Now = DateTimeOffset.FromUnixTimeSeconds(DateTimeOffset.UtcNow.ToUnixTimeSeconds());
            XElement concrete;
            TtlvElement request;
            try
            {
                concrete = placeholders.Substitute(requestXml);
                if (options.Version is { } asked) concrete = InVersion(concrete, asked);
                request = TtlvXml.Read(concrete, Vocabulary);
            }
            catch (Exception ex) when (ex is InvalidDataException or FormatException or TtlvFormatException)
            {
                return new FileResult(file.Name, false, exchanges, $"request {i / 2}: {ex.Message}");
            }
            var actual = await transport.ExchangeAsync(concrete, request, options.Capture);
            exchanges++;
            var difference = ResponseMatcher.Compare(concrete, expected, actual, placeholders);
            options.Exchanged?.Invoke(concrete, expected, actual);
            placeholders.Observe(actual);
            if (difference is not null && !options.KeepGoing)
            {
                var text = new StringBuilder()
                    .Append("exchange ").Append(i / 2).Append(": ").AppendLine(difference)
                    .AppendLine("--- request sent").AppendLine(concrete.ToString())
                    .AppendLine("--- expected").AppendLine(expected.ToString())
                    .AppendLine("--- received").AppendLine(actual.ToString());
                return new FileResult(file.Name, false, exchanges, text.ToString());
            }
        }
        return new FileResult(file.Name, true, exchanges, null);
    }

    /// <summary>
    /// How a file's requests travel: raw TTLV over mutual TLS, or KMIP over HTTPS for the message-encoding profiles
    /// (KMIP Profiles 1.4 §5.3–5.5): MSGENC-HTTPS with TTLV bodies, MSGENC-XML with the file's own XML, MSGENC-JSON with
    /// each request converted to TTLV-JSON. Every answer comes back as OASIS XML for the matcher; an XML answer is
    /// compared exactly as the server wrote it.
    /// </summary>
    private sealed class Transport : IAsyncDisposable
    {
        private readonly SslStream? _tls;
        private readonly HttpClient? _http;
        private readonly string _encoding;

        private Transport(SslStream? tls, HttpClient? http, string encoding)
        {
            _tls = tls;
            _http = http;
            _encoding = encoding;
        }

        public static async Task<Transport> OpenAsync(string profile, TestServer server, X509Certificate2 client) => profile switch
        {
            "MSGENC-HTTPS" => new Transport(null, KmipHttpTestClient.Create(server, client), "ttlv"),
            "MSGENC-XML" => new Transport(null, KmipHttpTestClient.Create(server, client), "xml"),
            "MSGENC-JSON" => new Transport(null, KmipHttpTestClient.Create(server, client), "json"),
            _ => new Transport(await server.ConnectAsync(client), null, "ttlv"),
        };

        public async Task<XElement> ExchangeAsync(XElement concrete, TtlvElement request, Action<TtlvElement, byte[]>? capture)
        {
            if (_tls is not null)
            {
                // Two minutes for an answer: RSA-4096 generation on a loaded two-core CI machine can exceed the usual 10 s.
                await KmipTestClient.SendAsync(_tls, TtlvWriter.Encode(request));
                var reply = await KmipTestClient.ReceiveAsync(_tls, TimeSpan.FromMinutes(2)) ?? throw new IOException("The server closed the connection instead of answering.");
                capture?.Invoke(request, TtlvWriter.Encode(reply));
                return XElement.Parse(TtlvXml.Write(reply, Vocabulary));
            }
            var body = _encoding == "xml" ? Encoding.UTF8.GetBytes(concrete.ToString()) : KmipHttpTestClient.Encode(request, _encoding);
            var (status, mediaType, answer) = await KmipHttpTestClient.PostRawAsync(_http!, body, KmipHttpTestClient.MediaType(_encoding));
            if (status != System.Net.HttpStatusCode.OK || mediaType != KmipHttpTestClient.MediaType(_encoding))
            {
                throw new InvalidDataException($"POST /kmip answered {(int)status} {mediaType}: {Encoding.UTF8.GetString(answer)}");
            }
            return _encoding == "xml"
                ? XElement.Parse(Encoding.UTF8.GetString(answer))
                : XElement.Parse(TtlvXml.Write(KmipHttpTestClient.Decode(answer, _encoding), Vocabulary));
        }

        public async ValueTask DisposeAsync()
        {
            if (_tls is not null) await _tls.DisposeAsync();
            _http?.Dispose();
        }
    }

    /// <summary>The request with its header's Protocol Version replaced by <paramref name="version"/>.</summary>
    private static XElement InVersion(XElement request, KmipVersion version)
    {
        var copy = new XElement(request);
        var header = copy.Element("RequestHeader")?.Element("ProtocolVersion");
        header?.ReplaceWith(new XElement("ProtocolVersion",
            new XElement("ProtocolVersionMajor", new XAttribute("type", "Integer"), new XAttribute("value", version.Major)),
            new XElement("ProtocolVersionMinor", new XAttribute("type", "Integer"), new XAttribute("value", version.Minor))));
        return copy;
    }

    /// <summary>The client identity a replay of <paramref name="file"/> in <paramref name="options"/> connects as (its certificate's common name).</summary>
    public static string ClientName(ConformanceFile file, ReplayOptions options) =>
        "oasis-" + ((options.Version is { } v ? $"v{v.Major}{v.Minor}-" : "") + file.Group).ToLowerInvariant();

    private static X509Certificate2 IssueClient(TestServer server, string name)
    {
        using var ca = X509Certificate2.CreateFromPemFile(server.Pki.CaCertificate, server.Pki.CaKey);
        var directory = HsmKmip.Server.Tls.DevelopmentCertificates.IssueClientBundle(ca, server.Pki, "oasis-" + name.ToLowerInvariant());
        return X509Certificate2.CreateFromPemFile(Path.Combine(directory, "client.crt"), Path.Combine(directory, "client.key"));
    }
}
