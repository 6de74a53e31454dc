using HsmKmip.Protocol.Messages;
using HsmKmip.Protocol.Vocabulary;
using HsmKmip.Ttlv;
using Xunit;
using static HsmKmip.Server.Tests.KmipTestClient;

namespace HsmKmip.Server.Tests;

[Trait(BothStores.Name, BothStores.Value)]
public sealed class DiscoverAndQueryTests : IClassFixture<ServerFixture>
{
    private readonly ServerFixture _fixture;

    public DiscoverAndQueryTests(ServerFixture fixture) => _fixture = fixture;

    private TestServer Server => _fixture.Server;

    [Fact]
    public async Task Empty_discover_versions_lists_every_version_highest_first()
    {
        await using var tls = await Server.ConnectAsync(Server.ClientCertificate());
        var response = await RoundTripAsync(tls, Request(KmipVersion.V1_1, Item(Operation.DiscoverVersions)));

        var header = response.Header();
        Assert.Equal([Tag.ProtocolVersion, Tag.TimeStamp, Tag.BatchCount], header.Children.Select(c => c.Tag.Value));
        Assert.Equal(KmipVersion.V1_1, response.Version());
        var item = Assert.Single(response.Items());
        Assert.Equal(ResultStatus.Success, item.Status());
        var versions = item.Find(Tag.ResponsePayload)!.FindAll(Tag.ProtocolVersion).Select(ProtocolVersions.FromTtlv).ToArray();
        Assert.Equal(["2.1", "2.0", "1.4", "1.3", "1.2", "1.1", "1.0"], versions.Select(v => v.ToString()));
    }

    [Fact]
    public async Task Discover_versions_intersects_with_the_clients_list()
    {
        await using var tls = await Server.ConnectAsync(Server.ClientCertificate());
        var payload = TtlvElement.Structure(Tag.RequestPayload,
            ProtocolVersions.ToTtlv(new KmipVersion(3, 0)),
            ProtocolVersions.ToTtlv(KmipVersion.V1_2),
            ProtocolVersions.ToTtlv(KmipVersion.V2_0));
        var response = await RoundTripAsync(tls, Request(KmipVersion.V1_2, Item(Operation.DiscoverVersions, payload)));

        var versions = response.Items()[0].Find(Tag.ResponsePayload)!.FindAll(Tag.ProtocolVersion).Select(ProtocolVersions.FromTtlv);
        Assert.Equal([KmipVersion.V2_0, KmipVersion.V1_2], versions);
    }

    [Fact]
    public async Task Dozens_of_probes_on_one_connection_are_all_answered_in_order()
    {
        await using var tls = await Server.ConnectAsync(Server.ClientCertificate());
        for (int i = 0; i < 40; i++)
        {
            var id = BitConverter.GetBytes((long)i);
            var response = await RoundTripAsync(tls, Request(KmipVersion.V1_1, Item(Operation.DiscoverVersions, id: id)));
            var item = Assert.Single(response.Items());
            Assert.Equal(id, item.Find(Tag.UniqueBatchItemID)!.AsBytes().ToArray());
        }
    }

    [Theory]
    [InlineData(1, 0)]
    [InlineData(1, 2)]
    [InlineData(1, 4)]
    [InlineData(2, 0)]
    [InlineData(2, 1)]
    public async Task Query_answers_operations_and_vendor_in_the_requests_version(int major, int minor)
    {
        var version = new KmipVersion(major, minor);
        await using var tls = await Server.ConnectAsync(Server.ClientCertificate());
        var payload = TtlvElement.Structure(Tag.RequestPayload,
            TtlvElement.Enumeration(Tag.QueryFunction, (uint)QueryFunction.QueryOperations),
            TtlvElement.Enumeration(Tag.QueryFunction, (uint)QueryFunction.QueryObjects),
            TtlvElement.Enumeration(Tag.QueryFunction, (uint)QueryFunction.QueryServerInformation));
        var response = await RoundTripAsync(tls, Request(version, Item(Operation.Query, payload)));

        Assert.Equal(version, response.Version());
        var item = Assert.Single(response.Items());
        Assert.Equal(ResultStatus.Success, item.Status());
        var body = item.Find(Tag.ResponsePayload)!;
        var operations = body.FindAll(Tag.Operation).Select(o => (Operation)o.AsEnum()).ToArray();
        Assert.Contains(Operation.Query, operations);
        // Discover Versions is a KMIP 1.1 operation: a 1.0 client must not be told of it.
        Assert.Equal(version >= KmipVersion.V1_1, operations.Contains(Operation.DiscoverVersions));
        Assert.Equal("HsmKmip", body.Find(Tag.VendorIdentification)!.AsText());
        // Everything in the payload exists in the request's version.
        Assert.All(body.Children, c => Assert.True(KmipTags.IsDefinedIn(c.Tag, version), $"{c.Tag} is not in {version}"));
    }

    [Fact]
    public async Task Query_capabilities_only_from_1_3()
    {
        await using var tls = await Server.ConnectAsync(Server.ClientCertificate());
        var payload = TtlvElement.Structure(Tag.RequestPayload, TtlvElement.Enumeration(Tag.QueryFunction, (uint)QueryFunction.QueryCapabilities));
        var v13 = await RoundTripAsync(tls, Request(KmipVersion.V1_3, Item(Operation.Query, payload)));
        var capabilities = v13.Items()[0].Find(Tag.ResponsePayload)!.Find(Tag.CapabilityInformation);
        Assert.NotNull(capabilities);
        Assert.Null(capabilities.Find(Tag.BatchContinueCapability));
        var v14 = await RoundTripAsync(tls, Request(KmipVersion.V1_4, Item(Operation.Query, payload)));
        Assert.True(v14.Items()[0].Find(Tag.ResponsePayload)!.Find(Tag.CapabilityInformation)!.Find(Tag.BatchContinueCapability)!.AsBoolean());
    }

    [Fact]
    public async Task An_unimplemented_operation_is_answered_operation_not_supported_with_the_operation_echoed()
    {
        await using var tls = await Server.ConnectAsync(Server.ClientCertificate());
        var response = await RoundTripAsync(tls, Request(KmipVersion.V1_2, Item(Operation.Notify, id: [7])));
        var item = Assert.Single(response.Items());
        Assert.Equal(Operation.Notify, (Operation)item.Find(Tag.Operation)!.AsEnum());
        Assert.Equal([7], item.Find(Tag.UniqueBatchItemID)!.AsBytes().ToArray());
        Assert.Equal(ResultStatus.OperationFailed, item.Status());
        Assert.Equal(ResultReason.OperationNotSupported, item.Reason());
        Assert.Contains("Notify", item.Message(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Batch_stop_answers_up_to_the_first_failure_continue_answers_all()
    {
        await using var tls = await Server.ConnectAsync(Server.ClientCertificate());
        TtlvElement[] items = [Item(Operation.DiscoverVersions, id: [1]), Item(Operation.Notify, id: [2]), Item(Operation.DiscoverVersions, id: [3])];
        var stop = await RoundTripAsync(tls, Request(KmipVersion.V1_4, items));
        Assert.Equal([ResultStatus.Success, ResultStatus.OperationFailed], stop.Items().Select(i => i.Status()));
        Assert.Equal(2, stop.Header().Find(Tag.BatchCount)!.AsInt32());

        var cont = await RoundTripAsync(tls, Request(KmipVersion.V1_4,
            [TtlvElement.Enumeration(Tag.BatchErrorContinuationOption, (uint)BatchErrorContinuationOption.Continue)], items));
        Assert.Equal([ResultStatus.Success, ResultStatus.OperationFailed, ResultStatus.Success], cont.Items().Select(i => i.Status()));
        Assert.Equal([[1], [2], [3]], cont.Items().Select(i => i.Find(Tag.UniqueBatchItemID)!.AsBytes().ToArray()));
    }

    [Fact]
    public async Task Lenient_header_fields_are_accepted()
    {
        await using var tls = await Server.ConnectAsync(Server.ClientCertificate());
        // Percona's header (Maximum Response Size, Time Stamp), FortiGate's numeric Credential Type, an Integer Operation.
        TtlvElement[] header =
        [
            TtlvElement.Integer(Tag.MaximumResponseSize, 8192),
            TtlvElement.DateTime(Tag.TimeStamp, DateTimeOffset.UtcNow),
            TtlvElement.Structure(Tag.Authentication, TtlvElement.Structure(Tag.Credential,
                TtlvElement.Integer(Tag.CredentialType, 1),
                TtlvElement.Structure(Tag.CredentialValue, TtlvElement.Text(Tag.Username, "u"), TtlvElement.Text(Tag.Password, "p")))),
        ];
        var item = TtlvElement.Structure(Tag.BatchItem, TtlvElement.Integer(Tag.Operation, (int)Operation.DiscoverVersions), TtlvElement.Structure(Tag.RequestPayload));
        var response = await RoundTripAsync(tls, Request(KmipVersion.V1_0, header, item));
        Assert.Equal(ResultStatus.Success, Assert.Single(response.Items()).Status());
        Assert.DoesNotContain(Server.LogLines, l => l.Contains("\"p\"", StringComparison.Ordinal));
    }

    [Fact]
    public async Task A_response_larger_than_maximum_response_size_is_answered_response_too_large()
    {
        await using var tls = await Server.ConnectAsync(Server.ClientCertificate());
        var response = await RoundTripAsync(tls, Request(KmipVersion.V1_2, [TtlvElement.Integer(Tag.MaximumResponseSize, 100)], Item(Operation.DiscoverVersions)));
        var item = Assert.Single(response.Items());
        Assert.Equal(ResultReason.ResponseTooLarge, item.Reason());
        Assert.Null(item.Find(Tag.ResponsePayload));
    }
}

/// <summary>One server for a test class.</summary>
public sealed class ServerFixture : IAsyncLifetime
{
    public TestServer Server { get; private set; } = null!;

    public async Task InitializeAsync() => Server = await TestServer.StartAsync();

    public async Task DisposeAsync() => await Server.DisposeAsync();
}
