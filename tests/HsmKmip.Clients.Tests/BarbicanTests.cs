using System.Security.Cryptography;
using HsmKmip.Protocol.Vocabulary;
using HsmKmip.Server.Tests;
using HsmKmip.Ttlv;
using Xunit;
using static HsmKmip.Clients.Tests.ClientWire;
using static HsmKmip.Server.Tests.KmipTestClient;

namespace HsmKmip.Clients.Tests;

/// <summary>
/// OpenStack Barbican's KMIP secret store (PyKMIP underneath, KMIP 1.2): a username/password Credential in every header
/// is accepted next to the TLS identity; Create, Register, Get and Destroy behave as without it.
/// </summary>
public sealed class BarbicanTests : IClassFixture<ServerFixture>
{
    private static readonly KmipVersion V = KmipVersion.V1_2;
    private readonly ServerFixture _fixture;

    public BarbicanTests(ServerFixture fixture) => _fixture = fixture;

    private static TtlvElement[] Credential() =>
    [
        TtlvElement.Structure(Tag.Authentication, TtlvElement.Structure(Tag.Credential,
            TtlvElement.Enumeration(Tag.CredentialType, (uint)CredentialType.UsernameAndPassword),
            TtlvElement.Structure(Tag.CredentialValue, TtlvElement.Text(Tag.Username, "barbican"), TtlvElement.Text(Tag.Password, "barbican-kmip-password")))),
    ];

    [Fact]
    public async Task Username_and_password_credential_is_accepted()
    {
        var server = _fixture.Server;
        await using var tls = await server.ConnectAsync(server.ClientCertificate());
        var created = UidOf(await SucceedAsync(tls, V, Item(Operation.Create, Payload(
            TtlvElement.Enumeration(Tag.ObjectType, (uint)ObjectType.SymmetricKey),
            TtlvElement.Structure(Tag.TemplateAttribute,
                Attr("Cryptographic Algorithm", TtlvElement.Enumeration(Tag.AttributeValue, (uint)CryptographicAlgorithm.AES)),
                Attr("Cryptographic Length", TtlvElement.Integer(Tag.AttributeValue, 128)),
                Attr("Cryptographic Usage Mask", TtlvElement.Integer(Tag.AttributeValue, 12))))), Credential()));
        Assert.Equal(16, KeyMaterialOf(await SucceedAsync(tls, V, Item(Operation.Get, Payload(Uid(created))), Credential())).Length);

        var secret = RandomNumberGenerator.GetBytes(48);
        var registered = UidOf(await SucceedAsync(tls, V, Item(Operation.Register, Payload(
            TtlvElement.Enumeration(Tag.ObjectType, (uint)ObjectType.SecretData),
            TtlvElement.Structure(Tag.TemplateAttribute, Attr("Cryptographic Usage Mask", TtlvElement.Integer(Tag.AttributeValue, (int)CryptographicUsageMask.DeriveKey))),
            SecretData(SecretDataType.Password, secret))), Credential()));
        Assert.Equal(secret, KeyMaterialOf(await SucceedAsync(tls, V, Item(Operation.Get, Payload(Uid(registered))), Credential())));
        foreach (var uid in new[] { created, registered }) await SucceedAsync(tls, V, Item(Operation.Destroy, Payload(Uid(uid))), Credential());
    }
}
