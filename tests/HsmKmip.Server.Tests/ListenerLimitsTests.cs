using HsmKmip.Protocol.Vocabulary;
using Xunit;
using static HsmKmip.Server.Tests.KmipTestClient;

namespace HsmKmip.Server.Tests;

/// <summary>Idle timeout and the connection limit, on their own servers with small settings.</summary>
public sealed class ListenerLimitsTests
{
    [Fact]
    public async Task An_idle_connection_is_closed_after_the_idle_timeout()
    {
        await using var server = await TestServer.StartAsync(o => o with { IdleTimeout = TimeSpan.FromSeconds(1) });
        await using var tls = await server.ConnectAsync(server.ClientCertificate());
        var first = await RoundTripAsync(tls, Request(KmipVersion.V1_2, Item(Operation.DiscoverVersions)));
        Assert.Equal(ResultStatus.Success, first.Items()[0].Status());
        Assert.Null(await ReceiveAsync(tls, TimeSpan.FromSeconds(10)));
        Assert.Contains(server.LogLines, l => l.Contains("Closed idle connection of dev-client", StringComparison.Ordinal));
    }

    [Fact]
    public async Task Connections_past_the_limit_are_refused_while_none_is_idle_and_served_again_once_one_closes()
    {
        await using var server = await TestServer.StartAsync(o => o with { MaxConnections = 2 });
        await using var a = await server.ConnectAsync(server.ClientCertificate());
        await using var b = await server.ConnectAsync(server.ClientCertificate());
        // Both busy: a request header whose body has not arrived yet (an idle one would be closed to make room).
        byte[] header = [0x42, 0x00, 0x78, 0x01, 0x00, 0x00, 0x00, 0x40];
        await SendAsync(a, header);
        await SendAsync(b, header);
        await Task.Delay(300);
        // Another identity: dev-client itself is at its own share (--max-connections-per-client is capped at the total).
        using var other = server.OtherClientCertificate();
        await Assert.ThrowsAnyAsync<Exception>(async () =>
        {
            await using var c = await server.ConnectAsync(other);
            _ = await RoundTripAsync(c, Request(KmipVersion.V1_2, Item(Operation.DiscoverVersions)));
        });
        Assert.Contains(server.LogLines, l => l.Contains("Connection limit 2 reached", StringComparison.Ordinal));
        await a.DisposeAsync();
        await Task.Delay(300);
        await using var d = await server.ConnectAsync(other);
        Assert.Equal(ResultStatus.Success, (await RoundTripAsync(d, Request(KmipVersion.V1_2, Item(Operation.DiscoverVersions)))).Items()[0].Status());
    }
}
