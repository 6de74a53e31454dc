using System.Diagnostics;
using HsmKmip.Protocol.Vocabulary;
using HsmKmip.Server.Listener;
using Xunit;
using static HsmKmip.Server.Tests.KmipTestClient;

namespace HsmKmip.Server.Tests;

/// <summary>
/// Fail-fast protocol sniffing (issue 17 item 4): after the handshake, 0x42 0x00 is TTLV, an HTTP method token is HTTP,
/// and anything else is answered Invalid Message at once — not held until a timeout.
/// </summary>
public sealed class ProtocolSniffingTests(ServerFixture fixture) : IClassFixture<ServerFixture>
{
    private TestServer Server => fixture.Server;

    [Theory]
    [InlineData(new byte[] { 0x42, 0x01, 0x78, 0x01, 0, 0, 0, 0 })] // a KMIP tag byte, then not 0x00: once taken for HTTP and held 30 s
    [InlineData(new byte[] { 0x42, 0x58 })]                         // "BX": two upper-case letters, not a method
    [InlineData(new byte[] { (byte)'x' })]                          // one byte, then silence
    [InlineData(new byte[] { (byte)'G', (byte)'E', (byte)'X' })]   // diverges from "GET " at the third byte
    [InlineData(new byte[] { 0x00 })]
    public async Task Bytes_that_are_neither_ttlv_nor_an_http_method_are_answered_at_once(byte[] first)
    {
        await using var tls = await Server.ConnectAsync(Server.ClientCertificate());
        var watch = Stopwatch.StartNew();
        await SendAsync(tls, first);
        var response = await ReceiveAsync(tls, TimeSpan.FromSeconds(5));
        // Not held until a timeout (the request read timeout is 30 s, the idle timeout 300 s); 3 s leaves room for a loaded CI machine.
        Assert.True(watch.Elapsed < TimeSpan.FromSeconds(3), $"answered after {watch.Elapsed.TotalMilliseconds:F0} ms");
        Assert.NotNull(response);
        Assert.Equal(ResultReason.InvalidMessage, response.Items()[0].Reason());
        Assert.Null(await ReceiveAsync(tls)); // then a clean close
    }

    [Theory]
    [InlineData("POST /kmip HTTP/1.1", "Http")]
    [InlineData("GET / HTTP/1.1", "Http")]
    [InlineData("OPTIONS ", "Http")]
    [InlineData("POS", "NeedMore")]
    [InlineData("POSTX", "Neither")]
    [InlineData("get / HTTP/1.1", "Neither")]
    [InlineData("B", "NeedMore")]
    [InlineData("", "NeedMore")]
    public void Classify_needs_a_whole_method_token_with_its_space(string text, string expected) =>
        Assert.Equal(Enum.Parse<SniffResult>(expected), ProtocolSniffer.Classify(System.Text.Encoding.ASCII.GetBytes(text)));

    [Fact]
    public void Classify_takes_0x42_0x00_for_ttlv_at_the_second_byte()
    {
        Assert.Equal(SniffResult.NeedMore, ProtocolSniffer.Classify([0x42]));
        Assert.Equal(SniffResult.Ttlv, ProtocolSniffer.Classify([0x42, 0x00]));
        Assert.Equal(SniffResult.Neither, ProtocolSniffer.Classify([0x42, 0x01]));
    }
}
