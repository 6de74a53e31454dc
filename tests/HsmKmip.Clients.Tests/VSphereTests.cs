using System.Net;
using System.Net.Sockets;
using HsmKmip.Protocol.Messages;
using HsmKmip.Protocol.Vocabulary;
using HsmKmip.Server.Tests;
using HsmKmip.Ttlv;
using Xunit;
using static HsmKmip.Clients.Tests.ClientWire;
using static HsmKmip.Server.Tests.KmipTestClient;

namespace HsmKmip.Clients.Tests;

/// <summary>
/// VMware vSphere's Standard Key Provider (KMIP 1.1): health probes, Query Server Information, the new-key flow with
/// its six custom attributes added three at a time in batches with 8-byte Unique Batch Item IDs, and the later Gets
/// that unlock a VM or host, each on a short TLS session of its own.
/// </summary>
public sealed class VSphereTests : IClassFixture<ServerFixture>
{
    private static readonly KmipVersion V = KmipVersion.V1_1;
    private readonly ServerFixture _fixture;

    public VSphereTests(ServerFixture fixture) => _fixture = fixture;

    private TestServer Server => _fixture.Server;

    private async Task<TtlvElement> OneSessionAsync(TtlvElement request)
    {
        await using var tls = await Server.ConnectAsync(Server.ClientCertificate());
        return await ExchangeAsync(tls, request);
    }

    [Fact]
    public async Task Health_probes_then_dozens_of_empty_discover_versions_then_query_server_information()
    {
        for (int i = 0; i < 10; i++)
        {
            // A TCP probe that closes at once, and a TLS session that closes without a request.
            using (var tcp = new TcpClient()) await tcp.ConnectAsync(IPAddress.Loopback, Server.Port);
            await using (var _ = await Server.ConnectAsync(Server.ClientCertificate())) { }
        }
        for (int i = 0; i < 36; i++)
        {
            var response = await OneSessionAsync(Request(V, Item(Operation.DiscoverVersions, Payload())));
            var versions = Assert.Single(response.Items()).Find(Tag.ResponsePayload)!.FindAll(Tag.ProtocolVersion).Select(ProtocolVersions.FromTtlv).ToArray();
            Assert.Equal(KmipVersion.Supported, versions);
        }
        var query = await OneSessionAsync(Request(V, Item(Operation.Query, Payload(TtlvElement.Enumeration(Tag.QueryFunction, (uint)QueryFunction.QueryServerInformation)))));
        var body = Assert.Single(query.Items()).Find(Tag.ResponsePayload)!;
        Assert.Equal(Tag.VendorIdentification, body.Children[0].Tag.Value);
        Assert.Equal("HsmKmip", body.Children[0].AsText());
    }

    [Fact]
    public async Task New_key_custom_attributes_activate_and_later_gets()
    {
        var create = Item(Operation.Create, Payload(
            TtlvElement.Enumeration(Tag.ObjectType, (uint)ObjectType.SymmetricKey),
            TtlvElement.Structure(Tag.TemplateAttribute,
                Attr("Cryptographic Algorithm", TtlvElement.Enumeration(Tag.AttributeValue, (uint)CryptographicAlgorithm.AES)),
                Attr("Cryptographic Length", TtlvElement.Integer(Tag.AttributeValue, 256)),
                Attr("Cryptographic Usage Mask", TtlvElement.Integer(Tag.AttributeValue, 12)))));
        var created = Assert.Single((await OneSessionAsync(Request(V, create))).Items()).Find(Tag.ResponsePayload)!;
        Assert.Equal([Tag.ObjectType, Tag.UniqueIdentifier], created.Children.Select(c => c.Tag.Value));
        var uid = UidOf(created);

        await AddThreeAsync(uid, ("x-Product_Version", "8.0.3"), ("x-Vendor", "VMware, Inc."), ("x-Product", "VMware vSphere"));

        var key = await GetAsync(uid);
        Assert.Equal(32, key.Length);

        var state = Assert.Single((await OneSessionAsync(Request(V, Item(Operation.GetAttributes, Payload(Uid(uid), AttributeName("State")))))).Items()).Find(Tag.ResponsePayload)!;
        Assert.Equal((uint)State.PreActive, Assert.Single(state.FindAll(Tag.Attribute)).Find(Tag.AttributeValue)!.AsEnum());
        var activated = Assert.Single((await OneSessionAsync(Request(V, Item(Operation.Activate, Payload(Uid(uid)))))).Items());
        Assert.Equal(ResultStatus.Success, activated.Status());
        Assert.Equal(uid, activated.Find(Tag.ResponsePayload)!.Find(Tag.UniqueIdentifier)!.AsText());

        var vmId = Guid.NewGuid().ToString();
        await AddThreeAsync(uid, ("x-Identifier", vmId), ("x-Component", "Virtual Machine"), ("x-Name", "web-01"));

        // Unlocking the VM later: Get (+ State) on fresh sessions, the same key every time.
        for (int i = 0; i < 3; i++) Assert.Equal(key, await GetAsync(uid));
        var all = AttributesOf(Assert.Single((await OneSessionAsync(Request(V, Item(Operation.GetAttributes, Payload(Uid(uid),
            AttributeName("x-Product"), AttributeName("x-Identifier"), AttributeName("x-Component"), AttributeName("State")))))).Items()).Find(Tag.ResponsePayload)!);
        Assert.Equal("VMware vSphere", all["x-Product"].AsText());
        Assert.Equal(vmId, all["x-Identifier"].AsText());
        Assert.Equal("Virtual Machine", all["x-Component"].AsText());
        Assert.Equal((uint)State.Active, all["State"].AsEnum());
    }

    /// <summary>vSphere first asks for its three attributes (absent: Success with only the identifier), then adds them in one batch.</summary>
    private async Task AddThreeAsync(string uid, params (string Name, string Value)[] attributes)
    {
        var asked = Assert.Single((await OneSessionAsync(Request(V, Item(Operation.GetAttributes,
            Payload([Uid(uid), .. attributes.Select(a => AttributeName(a.Name))]))))).Items());
        Assert.Equal(ResultStatus.Success, asked.Status());
        Assert.Equal([Tag.UniqueIdentifier], asked.Find(Tag.ResponsePayload)!.Children.Select(c => c.Tag.Value));

        var ids = attributes.Select(_ => System.Security.Cryptography.RandomNumberGenerator.GetBytes(8)).ToArray();
        var batch = Request(V, attributes.Select((a, i) => Item(Operation.AddAttribute, Payload(Uid(uid), Attr(a.Name, TtlvElement.Text(Tag.AttributeValue, a.Value))), ids[i])).ToArray());
        var response = await OneSessionAsync(batch);
        for (int i = 0; i < attributes.Length; i++)
        {
            var item = response.Items()[i];
            Assert.Equal(ResultStatus.Success, item.Status());
            Assert.Equal(ids[i], item.Find(Tag.UniqueBatchItemID)!.AsBytes().ToArray());
            var echoed = item.Find(Tag.ResponsePayload)!;
            Assert.Equal(uid, echoed.Find(Tag.UniqueIdentifier)!.AsText());
            Assert.Equal(attributes[i].Name, echoed.Find(Tag.Attribute)!.Find(Tag.AttributeName)!.AsText());
            Assert.Equal(attributes[i].Value, echoed.Find(Tag.Attribute)!.Find(Tag.AttributeValue)!.AsText());
        }
    }

    /// <summary>Get as vSphere reads it: Raw AES-256 in a Key Block of Key Format Type, Key Value (only Key Material), algorithm, length.</summary>
    private async Task<byte[]> GetAsync(string uid)
    {
        var body = Assert.Single((await OneSessionAsync(Request(V, Item(Operation.Get, Payload(Uid(uid)))))).Items()).Find(Tag.ResponsePayload)!;
        Assert.Equal([Tag.ObjectType, Tag.UniqueIdentifier, Tag.SymmetricKey], body.Children.Select(c => c.Tag.Value));
        var block = body.Find(Tag.SymmetricKey)!.Find(Tag.KeyBlock)!;
        Assert.Equal([Tag.KeyFormatType, Tag.KeyValue, Tag.CryptographicAlgorithm, Tag.CryptographicLength], block.Children.Select(c => c.Tag.Value));
        Assert.Equal((uint)KeyFormatType.Raw, block.Find(Tag.KeyFormatType)!.AsEnum());
        Assert.Equal([Tag.KeyMaterial], block.Find(Tag.KeyValue)!.Children.Select(c => c.Tag.Value));
        Assert.Equal(256, block.Find(Tag.CryptographicLength)!.AsInt32());
        return KeyMaterialOf(body);
    }
}
