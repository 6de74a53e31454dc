using HsmKmip.Server.Listener;
using Xunit;
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
