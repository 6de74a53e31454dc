using System.Text;
using HsmKmip.Protocol.Vocabulary;
using Xunit;
using static HsmKmip.Server.Tests.KmipHttpTestClient;
using static HsmKmip.Server.Tests.KmipTestClient;

namespace HsmKmip.Server.Tests;

/// <summary>
/// What the HTTP layer refuses before KMIP sees it — each with its status, a one-sentence text body, and the connection
/// closed — and the slow-header timeout. Hand-made requests over real mutual TLS.
/// </summary>
public sealed class HttpRefusalTests(ServerFixture fixture) : IClassFixture<ServerFixture>
{
    private TestServer Server => fixture.Server;

    private static readonly byte[] Discover = KmipHttpTestClient.Encode(Request(KmipVersion.V1_2, Item(Operation.DiscoverVersions)), "ttlv");

    public static TheoryData<string, int, string> Refused => new()
    {
        { "GET /kmip HTTP/1.1\r\nHost: localhost\r\n\r\n", 405, "POST" },
        { "PUT /kmip HTTP/1.1\r\nHost: localhost\r\nContent-Type: application/octet-stream\r\nContent-Length: 0\r\n\r\n", 405, "POST" },
        { "POST /other HTTP/1.1\r\nHost: localhost\r\nContent-Type: application/octet-stream\r\nContent-Length: 0\r\n\r\n", 404, "/kmip" },
        { "POST /kmip HTTP/1.1\r\nHost: localhost\r\nContent-Type: text/plain\r\nContent-Length: 2\r\n\r\nhi", 415, "text/plain" },
        { "POST /kmip HTTP/1.1\r\nHost: localhost\r\nContent-Length: 2\r\n\r\nhi", 415, "Content-Type" },
        { "POST /kmip HTTP/1.1\r\nHost: localhost\r\nContent-Type: text/xml; charset=iso-8859-1\r\nContent-Length: 2\r\n\r\nhi", 415, "UTF-8" },
        { "POST /kmip HTTP/1.1\r\nHost: localhost\r\nContent-Type: application/octet-stream\r\nContent-Length: 1048577\r\n\r\n", 413, "1048576" },
        { "POST /kmip HTTP/1.1\r\nHost: localhost\r\nContent-Type: application/octet-stream\r\nTransfer-Encoding: chunked\r\n\r\n100001\r\n", 413, "1048576" },
        { "POST /kmip HTTP/1.1\r\nHost: localhost\r\nContent-Type: application/octet-stream\r\n\r\n", 411, "Content-Length" },
        { "POST /kmip HTTP/1.1\r\nHost: localhost\r\nBroken header line\r\n\r\n", 400, "Name: value" },
        { "POST /kmip HTTP/1.1\r\nHost: localhost\r\nContent-Type: text/xml\r\n  folded\r\n\r\n", 400, "Folded" },
        { "POST /kmip HTTP/1.1\nHost: localhost\n\n", 400, "CRLF" },
        { "POST  /kmip HTTP/1.1\r\nHost: localhost\r\n\r\n", 400, "request line" },
        { "POST /kmip HTTP/1.1\r\nContent-Type: text/xml\r\nContent-Length: 0\r\n\r\n", 400, "Host" },
        { "POST /kmip HTTP/1.1\r\nHost: localhost\r\nContent-Type: text/xml\r\nContent-Length: 5\r\nContent-Length: 6\r\n\r\n", 400, "more than once" },
        { "POST /kmip HTTP/1.1\r\nHost: localhost\r\nContent-Type: text/xml\r\nContent-Length: -5\r\n\r\n", 400, "decimal" },
        { "POST /kmip HTTP/1.1\r\nHost: localhost\r\nContent-Type: text/xml\r\nContent-Length: 5\r\nTransfer-Encoding: chunked\r\n\r\n", 400, "both" },
        { "POST /kmip HTTP/1.1\r\nHost: localhost\r\nContent-Type: text/xml\r\nTransfer-Encoding: gzip\r\n\r\n", 501, "chunked" },
        { "POST /kmip HTTP/1.1\r\nHost: localhost\r\nContent-Type: text/xml\r\nContent-Length: 1\r\nExpect: something\r\n\r\n", 417, "Expect" },
        { "POST /kmip HTTP/2.0\r\nHost: localhost\r\n\r\n", 505, "HTTP/1.1" },
        { "POST /kmip HTTP/1.1\r\nHost: localhost\r\nX-Big: " + new string('a', 17_000) + "\r\n\r\n", 431, "16384" },
        { "POST /kmip HTTP/1.1\r\nHost: localhost\r\n" + string.Concat(Enumerable.Range(0, 70).Select(i => $"X-{i}: 1\r\n")) + "\r\n", 431, "64" },
    };

    [Theory]
    [MemberData(nameof(Refused))]
    public async Task A_request_the_http_layer_cannot_serve_is_refused_with_its_status_and_the_connection_closed(string request, int status, string mentioned)
    {
        await using var tls = await Server.ConnectAsync(Server.ClientCertificate());
        await WriteAsync(tls, request);
        var answer = await ReadResponseAsync(tls);
        Assert.NotNull(answer);
        Assert.Equal(status, answer.Status);
        Assert.StartsWith("text/plain", answer.Headers["Content-Type"], StringComparison.Ordinal);
        Assert.Contains(mentioned, answer.Text, StringComparison.Ordinal);
        Assert.Single(answer.Text.TrimEnd('\n').Split('\n'));
        Assert.Equal("close", answer.Headers["Connection"]);
        if (status == 405) Assert.Equal("POST", answer.Headers["Allow"]);
        Assert.True(await ClosedAsync(tls));
        Assert.Contains(Server.LogLines, l => l.Contains($"refused with {status}", StringComparison.Ordinal));
    }

    [Fact]
    public async Task HttpClient_sees_413_for_a_body_past_the_message_limit()
    {
        using var http = KmipHttpTestClient.Create(Server, Server.ClientCertificate());
        var (status, mediaType, body) = await PostRawAsync(http, new byte[Server.Options.MaxMessageSize + 1], "application/octet-stream");
        Assert.Equal(System.Net.HttpStatusCode.RequestEntityTooLarge, status);
        Assert.Equal("text/plain", mediaType);
        Assert.Contains("message limit", Encoding.UTF8.GetString(body), StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_slow_request_head_is_answered_408_and_closed_after_the_request_read_timeout()
    {
        await using var server = await TestServer.StartAsync(o => o with { RequestReadTimeout = TimeSpan.FromSeconds(1) });
        await using var tls = await server.ConnectAsync(server.ClientCertificate());
        await WriteAsync(tls, "POST /kmip HTTP/1.1\r\nHost: localhost\r\n");
        var started = DateTime.UtcNow;
        // A slow-loris client: one header byte every 200 ms keeps the socket busy but never finishes the head.
        using var dribble = new CancellationTokenSource();
        var sender = Task.Run(async () =>
        {
            try
            {
                while (!dribble.IsCancellationRequested)
                {
                    await WriteAsync(tls, "X");
                    await Task.Delay(200, dribble.Token);
                }
            }
            catch (Exception e) when (e is IOException or OperationCanceledException or ObjectDisposedException or NotSupportedException)
            {
            }
        });
        var answer = await ReadResponseAsync(tls, TimeSpan.FromSeconds(10));
        var elapsed = DateTime.UtcNow - started;
        await dribble.CancelAsync();
        Assert.Equal(408, answer!.Status);
        Assert.InRange(elapsed, TimeSpan.FromSeconds(0.8), TimeSpan.FromSeconds(5));
        Assert.True(await ClosedAsync(tls));
        await sender;
    }

    [Fact]
    public async Task With_http_off_a_post_is_treated_as_bad_ttlv()
    {
        await using var server = await TestServer.StartAsync(o => o with { Http = false });
        await using var tls = await server.ConnectAsync(server.ClientCertificate());
        await tls.WriteAsync(KmipHttpTestClient.Request("application/octet-stream", Discover));
        var answer = await ReceiveAsync(tls);
        Assert.NotNull(answer);
        Assert.Equal(ResultReason.InvalidMessage, answer.Items()[0].Reason());
        Assert.Null(await ReceiveAsync(tls));
    }
}
