using System.Security.Cryptography;
using HsmKmip.Protocol.Vocabulary;
using HsmKmip.Server.Tests;
using HsmKmip.Ttlv;
using Xunit;
using static HsmKmip.Clients.Tests.ClientWire;
using static HsmKmip.Server.Tests.KmipTestClient;

namespace HsmKmip.Clients.Tests;

/// <summary>
/// MySQL Enterprise's keyring (KMIP 1.1, Maximum Response Size 280000, Attribute Index 0 inside every Attribute):
/// Create AES-256 → Activate → Get → Revoke → Destroy, the key checked against .NET's AES.
/// </summary>
public sealed class MySqlEnterpriseTests : IClassFixture<ServerFixture>
{
    private static readonly KmipVersion V = KmipVersion.V1_1;
    private readonly ServerFixture _fixture;

    public MySqlEnterpriseTests(ServerFixture fixture) => _fixture = fixture;

    [Fact]
    public async Task Create_activate_get_revoke_destroy_with_attribute_index_0()
    {
        var server = _fixture.Server;
        await using var tls = await server.ConnectAsync(server.ClientCertificate());
        TtlvElement[] header = [TtlvElement.Integer(Tag.MaximumResponseSize, 280000)];
        var name = "mysql-ee-" + Guid.NewGuid().ToString("N")[..8];
        var created = await SucceedAsync(tls, V, Item(Operation.Create, Payload(
            TtlvElement.Enumeration(Tag.ObjectType, (uint)ObjectType.SymmetricKey),
            TtlvElement.Structure(Tag.TemplateAttribute,
                Attr("Cryptographic Algorithm", TtlvElement.Enumeration(Tag.AttributeValue, (uint)CryptographicAlgorithm.AES), index: 0),
                Attr("Cryptographic Length", TtlvElement.Integer(Tag.AttributeValue, 256), index: 0),
                Attr("Cryptographic Usage Mask", TtlvElement.Integer(Tag.AttributeValue, 12), index: 0),
                Attr("Name", NameValue(name), index: 0)))), header);
        var uid = UidOf(created);
        Assert.Equal(uid, UidOf(await SucceedAsync(tls, V, Item(Operation.Activate, Payload(Uid(uid))), header)));

        var key = KeyMaterialOf(await SucceedAsync(tls, V, Item(Operation.Get, Payload(Uid(uid))), header));
        Assert.Equal(32, key.Length);
        using (var aes = Aes.Create())
        {
            aes.Key = key; // an independent AES accepts it as a 256-bit key
            Assert.Equal(256, aes.KeySize);
        }

        var named = AttributesOf(await SucceedAsync(tls, V, Item(Operation.GetAttributes, Payload(Uid(uid), AttributeName("Name"))), header));
        Assert.Equal(name, named["Name"].Find(Tag.NameValue)!.AsText());

        await SucceedAsync(tls, V, Item(Operation.Revoke, Payload(Uid(uid),
            TtlvElement.Structure(Tag.RevocationReason, TtlvElement.Enumeration(Tag.RevocationReasonCode, (uint)RevocationReasonCode.KeyCompromise)),
            TtlvElement.DateTime(Tag.CompromiseOccurrenceDate, DateTimeOffset.UtcNow))), header);
        await SucceedAsync(tls, V, Item(Operation.Destroy, Payload(Uid(uid))), header);
        var state = AttributesOf(await SucceedAsync(tls, V, Item(Operation.GetAttributes, Payload(Uid(uid), AttributeName("State"))), header));
        Assert.Equal((uint)State.DestroyedCompromised, state["State"].AsEnum());
    }
}
