using System.Buffers.Binary;
using System.Net;
using System.Net.Sockets;
using HsmKmip.Protocol.Vocabulary;
using HsmKmip.Ttlv;
using Xunit;
using static HsmKmip.Server.Tests.KmipTestClient;

namespace HsmKmip.Server.Tests;

/// <summary>Bad bytes over a real TLS socket: each gets a KMIP error response or a clean close, never a hang or a crash.</summary>
public sealed class MalformedInputTests : IClassFixture<ServerFixture>
{
    private readonly ServerFixture _fixture;

    public MalformedInputTests(ServerFixture fixture) => _fixture = fixture;

    private TestServer Server => _fixture.Server;

    private static byte[] ValidRequest() => TtlvWriter.Encode(Request(KmipVersion.V1_4, Item(Operation.DiscoverVersions)));

    /// <summary>Sends <paramref name="bytes"/>, expects an Invalid Message answer, then proves the connection still serves.</summary>
    private async Task AssertInvalidMessageAndConnectionSurvives(byte[] bytes, string because)
    {
        await using var tls = await Server.ConnectAsync(Server.ClientCertificate());
        await SendAsync(tls, bytes);
        var response = await ReceiveAsync(tls);
        Assert.NotNull(response);
        var item = Assert.Single(response.Items());
        Assert.Equal(ResultStatus.OperationFailed, item.Status());
        Assert.Equal(ResultReason.InvalidMessage, item.Reason());
        Assert.Contains(because, item.Message(), StringComparison.OrdinalIgnoreCase);
        var next = await RoundTripAsync(tls, Request(KmipVersion.V1_4, Item(Operation.DiscoverVersions)));
        Assert.Equal(ResultStatus.Success, next.Items()[0].Status());
    }

    [Fact]
    public async Task Item_length_past_the_end_of_its_structure()
    {
        var bytes = ValidRequest();
        // The Protocol Version Major integer (offset 24) claims 4 bytes; make it claim 400.
        BinaryPrimitives.WriteInt32BigEndian(bytes.AsSpan(28), 400);
        await AssertInvalidMessageAndConnectionSurvives(bytes, "more than its container");
    }

    [Fact]
    public async Task Non_zero_padding()
    {
        var bytes = ValidRequest();
        bytes[36] = 0xFF; // padding after Protocol Version Major's 4-byte value
        await AssertInvalidMessageAndConnectionSurvives(bytes, "padding");
    }

    [Fact]
    public async Task Wrong_item_type_for_a_fixed_length()
    {
        var bytes = ValidRequest();
        bytes[27] = (byte)TtlvType.Boolean; // Integer turned Boolean with length 4
        await AssertInvalidMessageAndConnectionSurvives(bytes, "length 4");
    }

    [Fact]
    public async Task Unknown_item_type()
    {
        var bytes = ValidRequest();
        bytes[27] = 0x0C;
        await AssertInvalidMessageAndConnectionSurvives(bytes, "Unknown item type");
    }

    [Fact]
    public async Task Nesting_past_the_limit()
    {
        var inner = TtlvElement.Structure(Tag.RequestPayload);
        for (int i = 0; i < 40; i++) inner = TtlvElement.Structure(Tag.RequestPayload, inner);
        var bytes = TtlvWriter.Encode(Request(KmipVersion.V1_4, Item(Operation.DiscoverVersions, inner)));
        await AssertInvalidMessageAndConnectionSurvives(bytes, "nested deeper");
    }

    [Fact]
    public async Task A_message_that_is_not_a_request_message()
    {
        var bytes = TtlvWriter.Encode(TtlvElement.Structure(Tag.ResponseMessage, TtlvElement.Integer(Tag.BatchCount, 1)));
        await AssertInvalidMessageAndConnectionSurvives(bytes, "Request Message");
    }

    [Fact]
    public async Task Batch_count_that_does_not_match_the_items()
    {
        var request = TtlvElement.Structure(Tag.RequestMessage,
            TtlvElement.Structure(Tag.RequestHeader, Protocol.Messages.ProtocolVersions.ToTtlv(KmipVersion.V1_2), TtlvElement.Integer(Tag.BatchCount, 3)),
            Item(Operation.DiscoverVersions));
        await AssertInvalidMessageAndConnectionSurvives(TtlvWriter.Encode(request), "Batch Count");
    }

    [Fact]
    public async Task Wrong_type_for_a_header_field_answers_in_the_requests_version()
    {
        var request = TtlvElement.Structure(Tag.RequestMessage,
            TtlvElement.Structure(Tag.RequestHeader, Protocol.Messages.ProtocolVersions.ToTtlv(KmipVersion.V1_2), TtlvElement.Text(Tag.BatchCount, "one")),
            Item(Operation.DiscoverVersions));
        await using var tls = await Server.ConnectAsync(Server.ClientCertificate());
        var response = await RoundTripAsync(tls, request);
        Assert.Equal(KmipVersion.V1_2, response.Version());
        Assert.Equal(ResultReason.InvalidField, response.Items()[0].Reason());
    }

    [Theory]
    [InlineData(3, 0)]
    [InlineData(1, 9)]
    [InlineData(0, 9)]
    public async Task Unsupported_protocol_version_gets_an_error_not_silence(int major, int minor)
    {
        await using var tls = await Server.ConnectAsync(Server.ClientCertificate());
        var response = await RoundTripAsync(tls, Request(new KmipVersion(major, minor), Item(Operation.DiscoverVersions, id: [9])));
        var item = Assert.Single(response.Items());
        Assert.Equal(ResultStatus.OperationFailed, item.Status());
        Assert.Contains("not supported", item.Message(), StringComparison.Ordinal);
        Assert.Equal(Operation.DiscoverVersions, (Operation)item.Find(Tag.Operation)!.AsEnum());
        Assert.True(Protocol.Messages.ProtocolVersions.IsSupported(response.Version()));
    }

    [Fact]
    public async Task Unknown_operation_code()
    {
        await using var tls = await Server.ConnectAsync(Server.ClientCertificate());
        var item = TtlvElement.Structure(Tag.BatchItem, TtlvElement.Enumeration(Tag.Operation, 0x7777), TtlvElement.Structure(Tag.RequestPayload));
        var response = await RoundTripAsync(tls, Request(KmipVersion.V1_4, item));
        var answer = Assert.Single(response.Items());
        Assert.Equal(ResultReason.OperationNotSupported, answer.Reason());
        Assert.Equal(0x7777u, answer.Find(Tag.Operation)!.AsEnum());
    }

    [Fact]
    public async Task Two_gib_declared_length_is_answered_and_closed_without_buffering()
    {
        await using var tls = await Server.ConnectAsync(Server.ClientCertificate());
        var header = new byte[] { 0x42, 0x00, 0x78, 0x01, 0x7F, 0xFF, 0xFF, 0xF8 };
        await SendAsync(tls, header);
        var response = await ReceiveAsync(tls);
        Assert.NotNull(response);
        Assert.Equal(ResultReason.InvalidMessage, response.Items()[0].Reason());
        Assert.Contains("limit", response.Items()[0].Message(), StringComparison.Ordinal);
        Assert.Null(await ReceiveAsync(tls)); // then a clean close
    }

    [Fact]
    public async Task A_stream_that_does_not_start_with_a_structure_is_answered_and_closed()
    {
        await using var tls = await Server.ConnectAsync(Server.ClientCertificate());
        // Neither TTLV nor an HTTP method (an HTTP request goes to KMIP over HTTPS: HttpRefusalTests).
        await SendAsync(tls, "hello, this is not KMIP\r\n\r\n"u8.ToArray());
        var response = await ReceiveAsync(tls);
        Assert.NotNull(response);
        Assert.Equal(ResultReason.InvalidMessage, response.Items()[0].Reason());
        Assert.Null(await ReceiveAsync(tls));
    }

    [Fact]
    public async Task Truncated_frame_then_close_is_a_clean_close()
    {
        await using (var tls = await Server.ConnectAsync(Server.ClientCertificate()))
        {
            var bytes = ValidRequest();
            await SendAsync(tls, bytes.AsMemory(0, bytes.Length / 2));
        }
        await AssertServerStillServes();
    }

    [Fact]
    public async Task A_request_split_across_many_tls_records_is_reassembled()
    {
        await using var tls = await Server.ConnectAsync(Server.ClientCertificate());
        var bytes = ValidRequest();
        for (int i = 0; i < bytes.Length; i += 3)
        {
            await SendAsync(tls, bytes.AsMemory(i, Math.Min(3, bytes.Length - i)));
        }
        var response = await ReceiveAsync(tls);
        Assert.Equal(ResultStatus.Success, response!.Items()[0].Status());
    }

    [Fact]
    public async Task Zero_length_connections_tcp_and_tls_leave_the_server_serving()
    {
        for (int i = 0; i < 20; i++)
        {
            using var tcp = new TcpClient();
            await tcp.ConnectAsync(IPAddress.Loopback, Server.Port);
        }
        for (int i = 0; i < 5; i++)
        {
            await using var tls = await Server.ConnectAsync(Server.ClientCertificate());
        }
        await AssertServerStillServes();
    }

    [Fact]
    public async Task A_silent_tcp_connection_does_not_block_others_and_is_dropped_after_the_handshake_timeout()
    {
        using var silent = new TcpClient();
        await silent.ConnectAsync(IPAddress.Loopback, Server.Port);
        await AssertServerStillServes();
        var buffer = new byte[1];
        using var cts = new CancellationTokenSource(TimeSpan.FromSeconds(10));
        int read = await silent.GetStream().ReadAsync(buffer, cts.Token); // the server closes it: 0 bytes
        Assert.Equal(0, read);
    }

    [Fact]
    public async Task Random_garbage_never_crashes_the_server()
    {
        var random = new Random(1234);
        for (int i = 0; i < 30; i++)
        {
            var bytes = ValidRequest();
            int flips = random.Next(1, 6);
            for (int f = 0; f < flips; f++) bytes[random.Next(8, bytes.Length)] ^= (byte)random.Next(1, 256);
            await using var tls = await Server.ConnectAsync(Server.ClientCertificate());
            await SendAsync(tls, bytes);
            var response = await ReceiveAsync(tls);
            Assert.NotNull(response); // always answered: framing (the first 8 bytes) was intact
            Assert.Equal(Tag.ResponseMessage, response.Tag.Value);
        }
        await AssertServerStillServes();
    }

    private async Task AssertServerStillServes()
    {
        await using var tls = await Server.ConnectAsync(Server.ClientCertificate());
        var response = await RoundTripAsync(tls, Request(KmipVersion.V1_4, Item(Operation.DiscoverVersions)));
        Assert.Equal(ResultStatus.Success, response.Items()[0].Status());
    }
}
