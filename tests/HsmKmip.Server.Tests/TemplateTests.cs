using System.Net.Security;
using HsmKmip.Protocol.Vocabulary;
using HsmKmip.Ttlv;
using Xunit;
using static HsmKmip.Server.Tests.KmipTestClient;
using static HsmKmip.Server.Tests.SymmetricKeys;

namespace HsmKmip.Server.Tests;

/// <summary>Template objects (KMIP 1.0–1.4 §2.2.6) and Template-Attribute references to them (§2.1.8), over TLS.</summary>
[Trait(BothStores.Name, BothStores.Value)]
public sealed class TemplateTests(ServerFixture fixture) : IClassFixture<ServerFixture>
{
    private TestServer Server => fixture.Server;

    private static TtlvElement NameValue(string name) =>
        TtlvElement.Structure(Tag.AttributeValue, TtlvElement.Text(Tag.NameValue, name), TtlvElement.Enumeration(Tag.NameType, (uint)NameType.UninterpretedTextString));

    /// <summary>A reference to a template by name, as a Template-Attribute carries it.</summary>
    private static TtlvElement TemplateName(string name) => NameValue(name).WithTag(Tag.Name);

    private static async Task<TtlvElement> RegisterTemplateAsync(SslStream tls, KmipVersion version, string name, params TtlvElement[] attributes) =>
        await CallAsync(tls, version, Operation.Register, Payload(
            TtlvElement.Enumeration(Tag.ObjectType, (uint)ObjectType.Template),
            TtlvElement.Structure(Tag.TemplateAttribute, Attr("Name", NameValue(name))),
            TtlvElement.Structure(Tag.Template, attributes)));

    private static string UidOf(TtlvElement item)
    {
        Assert.True(item.Status() == ResultStatus.Success, item.Message());
        return item.Find(Tag.ResponsePayload)!.Find(Tag.UniqueIdentifier)!.AsText();
    }

    private static async Task<Dictionary<string, List<TtlvElement>>> AttributesAsync(SslStream tls, string uid)
    {
        var item = await CallAsync(tls, KmipVersion.V1_4, Operation.GetAttributes, Payload(Uid(uid)));
        Assert.Equal(ResultStatus.Success, item.Status());
        return item.Find(Tag.ResponsePayload)!.FindAll(Tag.Attribute)
            .GroupBy(a => a.Find(Tag.AttributeName)!.AsText())
            .ToDictionary(g => g.Key, g => g.Select(a => a.Find(Tag.AttributeValue)!).ToList());
    }

    [Fact]
    public async Task A_registered_template_is_read_back_located_and_applied_with_the_requests_attributes_winning()
    {
        await using var tls = await Server.ConnectAsync(Server.ClientCertificate());
        var name = "tpl-" + Guid.NewGuid().ToString("N")[..8];
        var group = "grp-" + Guid.NewGuid().ToString("N")[..8];
        var template = UidOf(await RegisterTemplateAsync(tls, KmipVersion.V1_4, name,
            Attr("Cryptographic Algorithm", TtlvElement.Enumeration(Tag.AttributeValue, (uint)CryptographicAlgorithm.AES)),
            Attr("Cryptographic Length", TtlvElement.Integer(Tag.AttributeValue, 128)),
            Attr("Cryptographic Usage Mask", TtlvElement.Integer(Tag.AttributeValue, (int)(CryptographicUsageMask.Encrypt | CryptographicUsageMask.Decrypt))),
            Attr("Object Group", TtlvElement.Text(Tag.AttributeValue, group))));

        var got = await CallAsync(tls, KmipVersion.V1_4, Operation.Get, Payload(Uid(template)));
        Assert.Equal(ResultStatus.Success, got.Status());
        Assert.Equal((uint)ObjectType.Template, got.Find(Tag.ResponsePayload)!.Find(Tag.ObjectType)!.AsEnum());
        var body = got.Find(Tag.ResponsePayload)!.Find(Tag.Template)!.FindAll(Tag.Attribute).Select(a => a.Find(Tag.AttributeName)!.AsText()).ToArray();
        Assert.Equal(["Cryptographic Algorithm", "Cryptographic Length", "Cryptographic Usage Mask", "Object Group"], body);
        Assert.Equal(name, (await AttributesAsync(tls, template))["Name"].Single().Find(Tag.NameValue)!.AsText());
        var located = await CallAsync(tls, KmipVersion.V1_4, Operation.Locate, Payload(
            Attr("Object Type", TtlvElement.Enumeration(Tag.AttributeValue, (uint)ObjectType.Template)), Attr("Name", NameValue(name))));
        Assert.Equal([template], located.Find(Tag.ResponsePayload)!.FindAll(Tag.UniqueIdentifier).Select(u => u.AsText()));

        // The request's Cryptographic Length overrides the template's; the rest comes from the template.
        var key = UidOf(await CallAsync(tls, KmipVersion.V1_2, Operation.Create, Payload(
            TtlvElement.Enumeration(Tag.ObjectType, (uint)ObjectType.SymmetricKey),
            TtlvElement.Structure(Tag.TemplateAttribute, TemplateName(name), Attr("Cryptographic Length", TtlvElement.Integer(Tag.AttributeValue, 256))))));
        var attributes = await AttributesAsync(tls, key);
        Assert.Equal((uint)CryptographicAlgorithm.AES, attributes["Cryptographic Algorithm"].Single().AsEnum());
        Assert.Equal(256, attributes["Cryptographic Length"].Single().AsInt32());
        Assert.Equal((int)(CryptographicUsageMask.Encrypt | CryptographicUsageMask.Decrypt), attributes["Cryptographic Usage Mask"].Single().AsInt32());
        Assert.Equal(group, attributes["Object Group"].Single().AsText());
        Assert.False(attributes.ContainsKey("Name")); // the template's own name is not the key's
        Assert.Equal(32, (await MaterialAsync(tls, key)).Length);

        // Without an override the template's length holds.
        var small = UidOf(await CallAsync(tls, KmipVersion.V1_4, Operation.Create, Payload(
            TtlvElement.Enumeration(Tag.ObjectType, (uint)ObjectType.SymmetricKey), TtlvElement.Structure(Tag.TemplateAttribute, TemplateName(name)))));
        Assert.Equal(16, (await MaterialAsync(tls, small)).Length);

        // Destroyed, the template can no longer be named.
        Assert.Equal(ResultStatus.Success, (await CallAsync(tls, KmipVersion.V1_4, Operation.Destroy, Payload(Uid(template)))).Status());
        var gone = await CallAsync(tls, KmipVersion.V1_4, Operation.Create, Payload(
            TtlvElement.Enumeration(Tag.ObjectType, (uint)ObjectType.SymmetricKey), TtlvElement.Structure(Tag.TemplateAttribute, TemplateName(name))));
        Assert.Equal(ResultReason.ItemNotFound, gone.Reason());
        Assert.Contains(name, gone.Message());
    }

    [Fact]
    public async Task Create_key_pair_takes_a_common_template_and_a_private_key_template()
    {
        await using var tls = await Server.ConnectAsync(Server.ClientCertificate());
        var common = "rsa-" + Guid.NewGuid().ToString("N")[..8];
        var signing = "sig-" + Guid.NewGuid().ToString("N")[..8];
        UidOf(await RegisterTemplateAsync(tls, KmipVersion.V1_2, common,
            Attr("Cryptographic Algorithm", TtlvElement.Enumeration(Tag.AttributeValue, (uint)CryptographicAlgorithm.RSA)),
            Attr("Cryptographic Length", TtlvElement.Integer(Tag.AttributeValue, 2048))));
        UidOf(await RegisterTemplateAsync(tls, KmipVersion.V1_2, signing,
            Attr("Cryptographic Usage Mask", TtlvElement.Integer(Tag.AttributeValue, (int)CryptographicUsageMask.Sign))));

        var pair = await CallAsync(tls, KmipVersion.V1_2, Operation.CreateKeyPair, Payload(
            TtlvElement.Structure(Tag.CommonTemplateAttribute, TemplateName(common)),
            TtlvElement.Structure(Tag.PrivateKeyTemplateAttribute, TemplateName(signing)),
            TtlvElement.Structure(Tag.PublicKeyTemplateAttribute, Attr("Cryptographic Usage Mask", TtlvElement.Integer(Tag.AttributeValue, (int)CryptographicUsageMask.Verify)))));
        Assert.True(pair.Status() == ResultStatus.Success, pair.Message());
        var privateKey = await AttributesAsync(tls, pair.Find(Tag.ResponsePayload)!.Find(Tag.PrivateKeyUniqueIdentifier)!.AsText());
        var publicKey = await AttributesAsync(tls, pair.Find(Tag.ResponsePayload)!.Find(Tag.PublicKeyUniqueIdentifier)!.AsText());
        Assert.Equal(2048, privateKey["Cryptographic Length"].Single().AsInt32());
        Assert.Equal(2048, publicKey["Cryptographic Length"].Single().AsInt32());
        Assert.Equal((int)CryptographicUsageMask.Sign, privateKey["Cryptographic Usage Mask"].Single().AsInt32());
        Assert.Equal((int)CryptographicUsageMask.Verify, publicKey["Cryptographic Usage Mask"].Single().AsInt32());
    }

    [Fact]
    public async Task Templates_are_private_to_their_owner_absent_from_2x_and_listed_by_1x_query_only()
    {
        await using var tls = await Server.ConnectAsync(Server.ClientCertificate());
        var name = "mine-" + Guid.NewGuid().ToString("N")[..8];
        UidOf(await RegisterTemplateAsync(tls, KmipVersion.V1_4, name, Attr("Cryptographic Algorithm", TtlvElement.Enumeration(Tag.AttributeValue, (uint)CryptographicAlgorithm.AES))));
        using var otherCert = Server.OtherClientCertificate();
        await using var other = await Server.ConnectAsync(otherCert);
        var refused = await CallAsync(other, KmipVersion.V1_4, Operation.Create, Payload(
            TtlvElement.Enumeration(Tag.ObjectType, (uint)ObjectType.SymmetricKey),
            TtlvElement.Structure(Tag.TemplateAttribute, TemplateName(name), Attr("Cryptographic Length", TtlvElement.Integer(Tag.AttributeValue, 256)))));
        Assert.Equal(ResultReason.ItemNotFound, refused.Reason());

        var v2 = await RegisterTemplateAsync(tls, KmipVersion.V2_0, "v2-" + name, Attr("Cryptographic Length", TtlvElement.Integer(Tag.AttributeValue, 256)));
        Assert.Equal(ResultStatus.OperationFailed, v2.Status());
        var serverOnly = await RegisterTemplateAsync(tls, KmipVersion.V1_4, "bad-" + name, Attr("Unique Identifier", TtlvElement.Text(Tag.AttributeValue, "x")));
        Assert.Equal(ResultStatus.OperationFailed, serverOnly.Status());

        TtlvElement QueryObjects() => Payload(TtlvElement.Enumeration(Tag.QueryFunction, (uint)QueryFunction.QueryObjects));
        var types14 = (await CallAsync(tls, KmipVersion.V1_4, Operation.Query, QueryObjects())).Find(Tag.ResponsePayload)!.FindAll(Tag.ObjectType).Select(t => (ObjectType)t.AsEnum());
        var types20 = (await CallAsync(tls, KmipVersion.V2_0, Operation.Query, QueryObjects())).Find(Tag.ResponsePayload)!.FindAll(Tag.ObjectType).Select(t => (ObjectType)t.AsEnum());
        Assert.Contains(ObjectType.Template, types14);
        Assert.DoesNotContain(ObjectType.Template, types20);
    }
}
