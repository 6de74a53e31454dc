using System.Security.Cryptography;
using HsmKmip.Protocol.Vocabulary;
using HsmKmip.Server.Tests;
using HsmKmip.Ttlv;
using Xunit;
using static HsmKmip.Clients.Tests.ClientWire;
using static HsmKmip.Server.Tests.KmipTestClient;

namespace HsmKmip.Clients.Tests;

/// <summary>
/// Register shapes of libmongocrypt versions other than Debian's 1.7.2, rebuilt item by item: the newer library's
/// Secret Data with Key Format Type Opaque and a Cryptographic Usage Mask of 0 (KMIP-NOTES.md), and the kms-message
/// development shape (kms_kmip_request.c: KMIP 1.4, Raw format, an empty Template Attribute, Unique Batch Item ID "A").
/// Each is followed by the library's Activate and Get, each on its own connection.
/// </summary>
public sealed class LibMongoCryptWireTests : IClassFixture<ServerFixture>
{
    private readonly ServerFixture _fixture;

    public LibMongoCryptWireTests(ServerFixture fixture) => _fixture = fixture;

    public static TheoryData<string> Shapes => new() { "opaque-mask-0", "kms-message-1.4-raw" };

    [Theory]
    [MemberData(nameof(Shapes))]
    public async Task Register_activate_get_of_a_96_byte_secret(string shape)
    {
        var server = _fixture.Server;
        var secret = RandomNumberGenerator.GetBytes(96);
        var (version, template, format, id) = shape == "opaque-mask-0"
            ? (KmipVersion.V1_0, TtlvElement.Structure(Tag.TemplateAttribute, Attr("Cryptographic Usage Mask", TtlvElement.Integer(Tag.AttributeValue, 0))), KeyFormatType.Opaque, (byte[]?)null)
            : (KmipVersion.V1_4, TtlvElement.Structure(Tag.TemplateAttribute), KeyFormatType.Raw, "A"u8.ToArray());
        var register = Request(version, Item(Operation.Register, Payload(
            TtlvElement.Enumeration(Tag.ObjectType, (uint)ObjectType.SecretData),
            template,
            TtlvElement.Structure(Tag.SecretData,
                TtlvElement.Enumeration(Tag.SecretDataType, (uint)SecretDataType.Seed),
                TtlvElement.Structure(Tag.KeyBlock,
                    TtlvElement.Enumeration(Tag.KeyFormatType, (uint)format),
                    TtlvElement.Structure(Tag.KeyValue, TtlvElement.Bytes(Tag.KeyMaterial, secret))))), id));
        string uid;
        await using (var tls = await server.ConnectAsync(server.ClientCertificate()))
        {
            var item = Assert.Single((await ExchangeAsync(tls, register)).Items());
            Assert.True(item.Status() == ResultStatus.Success, $"{item.Reason()} {item.Message()}");
            uid = UidOf(item.Find(Tag.ResponsePayload)!);
        }
        await using (var tls = await server.ConnectAsync(server.ClientCertificate()))
            Assert.Equal(uid, UidOf(await SucceedAsync(tls, version, Item(Operation.Activate, Payload(Uid(uid))))));
        await using (var tls = await server.ConnectAsync(server.ClientCertificate()))
        {
            var got = await SucceedAsync(tls, version, Item(Operation.Get, Payload(Uid(uid))));
            var data = got.Find(Tag.SecretData)!;
            Assert.Equal((uint)SecretDataType.Seed, data.Find(Tag.SecretDataType)!.AsEnum());
            // Back in the format it was registered in: Opaque for the released library, Raw for the kms-message shape, whose
            // reader (kms_kmip_response.c) walks Secret Data / Key Block / Key Value / Key Material without reading the format.
            Assert.Equal((uint)format, data.Find(Tag.KeyBlock)!.Find(Tag.KeyFormatType)!.AsEnum());
            Assert.Equal(secret, KeyMaterialOf(got));
        }
    }
}
