using HsmKmip.Protocol.Vocabulary;
using HsmKmip.Server.Tests;
using HsmKmip.Ttlv;
using Xunit;
using static HsmKmip.Clients.Tests.ClientWire;
using static HsmKmip.Server.Tests.KmipTestClient;

namespace HsmKmip.Clients.Tests;

/// <summary>
/// Synology DSM's KMIP client: Operation Policy Name sent at Create and read back unchanged, and Modify Attribute
/// answered with the modified attribute (DSM waits for that echo).
/// </summary>
public sealed class SynologyTests : IClassFixture<ServerFixture>
{
    private static readonly KmipVersion V = KmipVersion.V1_2;
    private readonly ServerFixture _fixture;

    public SynologyTests(ServerFixture fixture) => _fixture = fixture;

    [Fact]
    public async Task Operation_policy_name_round_trips_and_modify_attribute_is_echoed()
    {
        var server = _fixture.Server;
        await using var tls = await server.ConnectAsync(server.ClientCertificate());
        var name = "synology-vol1-" + Guid.NewGuid().ToString("N")[..8];
        var uid = UidOf(await SucceedAsync(tls, V, Item(Operation.Create, Payload(
            TtlvElement.Enumeration(Tag.ObjectType, (uint)ObjectType.SymmetricKey),
            TtlvElement.Structure(Tag.TemplateAttribute,
                Attr("Cryptographic Algorithm", TtlvElement.Enumeration(Tag.AttributeValue, (uint)CryptographicAlgorithm.AES)),
                Attr("Cryptographic Length", TtlvElement.Integer(Tag.AttributeValue, 256)),
                Attr("Cryptographic Usage Mask", TtlvElement.Integer(Tag.AttributeValue, 12)),
                Attr("Operation Policy Name", TtlvElement.Text(Tag.AttributeValue, "default")),
                Attr("Name", NameValue(name)))))));
        var policy = AttributesOf(await SucceedAsync(tls, V, Item(Operation.GetAttributes, Payload(Uid(uid), AttributeName("Operation Policy Name")))));
        Assert.Equal("default", policy["Operation Policy Name"].AsText());

        var renamed = name + "-renamed";
        var modified = await SucceedAsync(tls, V, Item(Operation.ModifyAttribute, Payload(Uid(uid), Attr("Name", NameValue(renamed), index: 0))));
        Assert.Equal(uid, UidOf(modified));
        var echoed = modified.Find(Tag.Attribute)!;
        Assert.Equal("Name", echoed.Find(Tag.AttributeName)!.AsText());
        Assert.Equal(renamed, echoed.Find(Tag.AttributeValue)!.Find(Tag.NameValue)!.AsText());

        var located = await SucceedAsync(tls, V, Item(Operation.Locate, Payload(Attr("Name", NameValue(renamed)))));
        Assert.Equal(uid, Assert.Single(located.FindAll(Tag.UniqueIdentifier)).AsText());
        Assert.Empty((await SucceedAsync(tls, V, Item(Operation.Locate, Payload(Attr("Name", NameValue(name)))))).FindAll(Tag.UniqueIdentifier));
    }
}
