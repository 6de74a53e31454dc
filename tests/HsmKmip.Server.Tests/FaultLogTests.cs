using HsmKmip.Core.Logging;
using HsmKmip.Protocol.Vocabulary;
using HsmKmip.Ttlv;
using Xunit;
using static HsmKmip.Server.Tests.KmipHttpTestClient;
using static HsmKmip.Server.Tests.KmipTestClient;

namespace HsmKmip.Server.Tests;

/// <summary>Rate-limited logging of client faults (issue 17 item 6): one line per client and kind per interval, with a count.</summary>
public sealed class FaultLogTests
{
    [Fact]
    public async Task Twenty_malformed_connections_from_one_address_log_one_line()
    {
        await using var server = await TestServer.StartAsync(o => o with { FaultLogInterval = TimeSpan.FromSeconds(60) });
        for (int i = 0; i < 20; i++) await SendGarbageAsync(server);
        Assert.Single(server.LogLines, l => l.Contains("speaks neither TTLV nor HTTP", StringComparison.Ordinal));
    }

    [Fact]
    public async Task Ten_thousand_malformed_requests_on_one_connection_log_one_line()
    {
        await using var server = await TestServer.StartAsync(o => o with { FaultLogInterval = TimeSpan.FromSeconds(60) });
        var bad = TtlvWriter.Encode(Request(KmipVersion.V1_4, Item(Operation.DiscoverVersions)));
        bad[36] = 0xFF; // non-zero padding after Protocol Version Major: the frame is whole, its TTLV is not (KmipMessageHandler's path)
        const int Chunk = 250;
        var chunk = new byte[bad.Length * Chunk];
        for (int i = 0; i < Chunk; i++) bad.CopyTo(chunk, i * bad.Length);
        int before = server.LogLines.Count;
        await using var tls = await server.ConnectAsync(server.ClientCertificate());
        for (int sent = 0; sent < 10_000; sent += Chunk)
        {
            await SendAsync(tls, chunk);
            for (int i = 0; i < Chunk; i++)
            {
                var answer = await ReceiveAsync(tls);
                Assert.NotNull(answer);
                Assert.Equal(ResultReason.InvalidMessage, answer.Items()[0].Reason());
            }
        }
        var added = server.LogLines.Skip(before).ToArray();
        Assert.Single(added, l => l.Contains("Malformed request", StringComparison.Ordinal));
        // Connect/close lines at Debug and the one fault line: nowhere near one line per request.
        Assert.True(added.Length < 10, string.Join("\n", added));
        Assert.True(added.Sum(l => l.Length) < 4_000, $"{added.Sum(l => l.Length)} characters of log for 10,000 bad requests");
    }

    [Fact]
    public async Task A_thousand_malformed_http_bodies_and_refusals_log_one_line_each_kind()
    {
        await using var server = await TestServer.StartAsync(o => o with { FaultLogInterval = TimeSpan.FromSeconds(60) });
        using (var http = Create(server, server.ClientCertificate()))
        {
            for (int i = 0; i < 1_000; i++)
            {
                var (status, _, _) = await PostRawAsync(http, "{\"tag\":"u8.ToArray(), MediaType("json"));
                Assert.Equal(System.Net.HttpStatusCode.OK, status);
            }
        }
        for (int i = 0; i < 30; i++)
        {
            await using var tls = await server.ConnectAsync(server.ClientCertificate());
            await KmipHttpTestClient.WriteAsync(tls, "GET /kmip HTTP/1.1\r\nHost: localhost\r\n\r\n");
            Assert.Equal(405, (await ReadResponseAsync(tls))?.Status);
        }
        Assert.Single(server.LogLines, l => l.Contains("is not a KMIP message", StringComparison.Ordinal));
        Assert.Single(server.LogLines, l => l.Contains("refused with 405", StringComparison.Ordinal));
    }

    [Fact]
    public async Task The_first_line_after_the_interval_counts_those_suppressed()
    {
        var limiter = new FaultLogLimiter(TimeSpan.FromMilliseconds(300));
        Assert.True(limiter.ShouldLog("10.0.0.1", "framing", out long first));
        Assert.Equal(0, first);
        for (int i = 0; i < 19; i++) Assert.False(limiter.ShouldLog("10.0.0.1", "framing", out _));
        await Task.Delay(400);
        Assert.True(limiter.ShouldLog("10.0.0.1", "framing", out long suppressed));
        Assert.Equal(19, suppressed);
    }

    [Fact]
    public void Kinds_and_clients_are_limited_separately()
    {
        var limiter = new FaultLogLimiter(TimeSpan.FromMinutes(1));
        Assert.True(limiter.ShouldLog("10.0.0.1", "framing", out _));
        Assert.False(limiter.ShouldLog("10.0.0.1", "framing", out _));
        Assert.True(limiter.ShouldLog("10.0.0.1", "certificate", out _));
        Assert.True(limiter.ShouldLog("10.0.0.2", "framing", out _));
        Assert.Equal("127.0.0.1", FaultLogLimiter.ClientOf("127.0.0.1:4711"));
        Assert.Equal("[::1]", FaultLogLimiter.ClientOf("[::1]:4711"));
    }

    [Fact]
    public void A_flood_from_many_addresses_keeps_the_table_bounded()
    {
        var limiter = new FaultLogLimiter(TimeSpan.FromMinutes(1));
        for (int i = 0; i < FaultLogLimiter.MaxEntries * 3; i++) limiter.ShouldLog($"10.{i >> 16}.{(i >> 8) & 255}.{i & 255}", "framing", out _);
        Assert.True(limiter.Count <= FaultLogLimiter.MaxEntries, $"{limiter.Count} entries");
    }

    private static async Task SendGarbageAsync(TestServer server)
    {
        await using var tls = await server.ConnectAsync(server.ClientCertificate());
        await SendAsync(tls, "hello"u8.ToArray());
        Assert.NotNull(await ReceiveAsync(tls));
    }
}
