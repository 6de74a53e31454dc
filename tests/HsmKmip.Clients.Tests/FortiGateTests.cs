using HsmKmip.Protocol.Vocabulary;
using HsmKmip.Server.Tests;
using HsmKmip.Ttlv;
using Xunit;
using static HsmKmip.Clients.Tests.ClientWire;
using static HsmKmip.Server.Tests.KmipTestClient;

namespace HsmKmip.Clients.Tests;

/// <summary>
/// FortiGate's KMIP client: an Authentication whose Credential Type is an Integer rather than an Enumeration in every
/// header, Create of a named key, and Locate by the exact Name with Maximum Items 1 before each Get.
/// </summary>
public sealed class FortiGateTests : IClassFixture<ServerFixture>
{
    private static readonly KmipVersion V = KmipVersion.V1_2;
    private readonly ServerFixture _fixture;

    public FortiGateTests(ServerFixture fixture) => _fixture = fixture;

    private static TtlvElement[] NumericCredential() =>
    [
        TtlvElement.Structure(Tag.Authentication, TtlvElement.Structure(Tag.Credential,
            TtlvElement.Integer(Tag.CredentialType, 1),
            TtlvElement.Structure(Tag.CredentialValue, TtlvElement.Text(Tag.Username, "fortigate"), TtlvElement.Text(Tag.Password, "fgt-kmip")))),
    ];

    [Fact]
    public async Task Numeric_credential_type_and_locate_by_exact_name_with_maximum_items_1()
    {
        var server = _fixture.Server;
        await using var tls = await server.ConnectAsync(server.ClientCertificate());
        var prefix = "FGT-" + Guid.NewGuid().ToString("N")[..8];
        var uids = new Dictionary<string, string>();
        // Names that share a prefix: only the exact one may match.
        foreach (var name in new[] { prefix, prefix + "-1", prefix + "-10" })
        {
            uids[name] = UidOf(await SucceedAsync(tls, V, Item(Operation.Create, Payload(
                TtlvElement.Enumeration(Tag.ObjectType, (uint)ObjectType.SymmetricKey),
                TtlvElement.Structure(Tag.TemplateAttribute,
                    Attr("Cryptographic Algorithm", TtlvElement.Enumeration(Tag.AttributeValue, (uint)CryptographicAlgorithm.AES)),
                    Attr("Cryptographic Length", TtlvElement.Integer(Tag.AttributeValue, 256)),
                    Attr("Cryptographic Usage Mask", TtlvElement.Integer(Tag.AttributeValue, 12)),
                    Attr("Name", NameValue(name))))), NumericCredential()));
        }
        foreach (var (name, uid) in uids)
        {
            var located = await SucceedAsync(tls, V, Item(Operation.Locate, Payload(TtlvElement.Integer(Tag.MaximumItems, 1), Attr("Name", NameValue(name)))), NumericCredential());
            Assert.Equal(uid, Assert.Single(located.FindAll(Tag.UniqueIdentifier)).AsText());
            Assert.Equal(32, KeyMaterialOf(await SucceedAsync(tls, V, Item(Operation.Get, Payload(Uid(uid))), NumericCredential())).Length);
        }
        var none = await SucceedAsync(tls, V, Item(Operation.Locate, Payload(TtlvElement.Integer(Tag.MaximumItems, 1), Attr("Name", NameValue(prefix + "-2")))), NumericCredential());
        Assert.Empty(none.FindAll(Tag.UniqueIdentifier));
    }
}
