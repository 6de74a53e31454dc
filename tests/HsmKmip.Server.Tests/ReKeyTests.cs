using System.Security.Cryptography;
using HsmKmip.Protocol.Vocabulary;
using HsmKmip.Ttlv;
using Xunit;
using static HsmKmip.Server.Tests.KmipTestClient;
using static HsmKmip.Server.Tests.SymmetricKeys;

namespace HsmKmip.Server.Tests;

/// <summary>Re-key of symmetric keys (KMIP 1.4 §4.4) through the daemon.</summary>
[Trait(BothStores.Name, BothStores.Value)]
public sealed class ReKeyTests(ServerFixture fixture) : IClassFixture<ServerFixture>
{
    private TestServer Server => fixture.Server;

    internal static async Task<IReadOnlyList<TtlvElement>> AttributesAsync(System.Net.Security.SslStream tls, string uid)
    {
        // Every attribute by name: an unnamed Get Attributes answers only what strict clients decode (Link is not among them).
        var list = await CallAsync(tls, KmipVersion.V1_4, Operation.GetAttributeList, Payload(Uid(uid)));
        Assert.Equal(ResultStatus.Success, list.Status());
        var names = list.Find(Tag.ResponsePayload)!.FindAll(Tag.AttributeName).Select(n => TtlvElement.Text(Tag.AttributeName, n.AsText()));
        var item = await CallAsync(tls, KmipVersion.V1_4, Operation.GetAttributes, Payload([Uid(uid), .. names]));
        Assert.Equal(ResultStatus.Success, item.Status());
        return item.Find(Tag.ResponsePayload)!.FindAll(Tag.Attribute).ToArray();
    }

    internal static TtlvElement? Value(IReadOnlyList<TtlvElement> attributes, string name) =>
        attributes.FirstOrDefault(a => a.Find(Tag.AttributeName)!.AsText() == name)?.Find(Tag.AttributeValue);

    private static IEnumerable<TtlvElement> Values(IReadOnlyList<TtlvElement> attributes, string name) =>
        attributes.Where(a => a.Find(Tag.AttributeName)!.AsText() == name).Select(a => a.Find(Tag.AttributeValue)!);

    [Fact]
    public async Task Re_key_with_an_offset_makes_a_linked_pre_active_key_and_moves_the_names()
    {
        await using var tls = await Server.ConnectAsync(Server.ClientCertificate());
        var old = await CreateAsync(tls, bits: 192);
        var name = "rekey-" + Guid.NewGuid().ToString("N")[..8];
        Assert.Equal(ResultStatus.Success, (await CallAsync(tls, KmipVersion.V1_4, Operation.AddAttribute, Payload(Uid(old),
            Attr("Name", TtlvElement.Structure(Tag.AttributeValue, TtlvElement.Text(Tag.NameValue, name), TtlvElement.Enumeration(Tag.NameType, (uint)NameType.UninterpretedTextString)))))).Status());
        var oldBefore = await AttributesAsync(tls, old);
        var oldActivation = Value(oldBefore, "Activation Date")!.AsDateTime();

        var rekeyed = await CallAsync(tls, KmipVersion.V1_4, Operation.ReKey, Payload(Uid(old), TtlvElement.Interval(Tag.Offset, 3600)));
        Assert.True(rekeyed.Status() == ResultStatus.Success, rekeyed.Message());
        var fresh = rekeyed.Find(Tag.ResponsePayload)!.Find(Tag.UniqueIdentifier)!.AsText();
        Assert.NotEqual(old, fresh);

        var created = await AttributesAsync(tls, fresh);
        Assert.Equal((uint)CryptographicAlgorithm.AES, Value(created, "Cryptographic Algorithm")!.AsEnum());
        Assert.Equal(192, Value(created, "Cryptographic Length")!.AsInt32());
        Assert.Equal((uint)State.PreActive, Value(created, "State")!.AsEnum());
        var initial = Value(created, "Initial Date")!.AsDateTime();
        Assert.Equal(initial.AddSeconds(3600), Value(created, "Activation Date")!.AsDateTime());
        Assert.True(initial >= oldActivation);
        Assert.Equal(name, Value(created, "Name")!.Find(Tag.NameValue)!.AsText());
        var replaced = Assert.Single(Values(created, "Link"));
        Assert.Equal((uint)LinkType.ReplacedObjectLink, replaced.Find(Tag.LinkType)!.AsEnum());
        Assert.Equal(old, replaced.Find(Tag.LinkedObjectIdentifier)!.AsText());

        var oldAfter = await AttributesAsync(tls, old);
        Assert.Null(Value(oldAfter, "Name"));
        Assert.Equal((uint)State.Active, Value(oldAfter, "State")!.AsEnum());
        var replacement = Assert.Single(Values(oldAfter, "Link"));
        Assert.Equal((uint)LinkType.ReplacementObjectLink, replacement.Find(Tag.LinkType)!.AsEnum());
        Assert.Equal(fresh, replacement.Find(Tag.LinkedObjectIdentifier)!.AsText());

        Assert.NotEqual(await MaterialAsync(tls, old), await MaterialAsync(tls, fresh));
        Assert.Equal(24, (await MaterialAsync(tls, fresh)).Length);
        // The name now locates the replacement only.
        var located = await CallAsync(tls, KmipVersion.V1_4, Operation.Locate, Payload(
            Attr("Name", TtlvElement.Structure(Tag.AttributeValue, TtlvElement.Text(Tag.NameValue, name), TtlvElement.Enumeration(Tag.NameType, (uint)NameType.UninterpretedTextString)))));
        Assert.Equal([fresh], located.Find(Tag.ResponsePayload)!.FindAll(Tag.UniqueIdentifier).Select(u => u.AsText()));
    }

    [Fact]
    public async Task Re_key_without_offset_copies_the_dates_so_the_replacement_is_active_and_the_placeholder_names_it()
    {
        await using var tls = await Server.ConnectAsync(Server.ClientCertificate());
        var old = await CreateAsync(tls);
        var data = RandomNumberGenerator.GetBytes(16);
        var response = await RoundTripAsync(tls, Request(KmipVersion.V1_2,
            Item(Operation.ReKey, Payload(Uid(old))),
            Item(Operation.Encrypt, Payload(Parameters(BlockCipherMode.ECB), TtlvElement.Bytes(Tag.Data, data)))));
        Assert.All(response.Items(), item => Assert.True(item.Status() == ResultStatus.Success, item.Message()));
        var fresh = response.Items()[0].Find(Tag.ResponsePayload)!.Find(Tag.UniqueIdentifier)!.AsText();
        Assert.Equal(fresh, response.Items()[1].Find(Tag.ResponsePayload)!.Find(Tag.UniqueIdentifier)!.AsText());
        using var aes = Aes.Create();
        aes.Key = await MaterialAsync(tls, fresh);
        Assert.Equal(aes.EncryptEcb(data, PaddingMode.None), response.Items()[1].Bytes(Tag.Data));
        Assert.Equal(Value(await AttributesAsync(tls, old), "Activation Date")!.AsDateTime(), Value(await AttributesAsync(tls, fresh), "Activation Date")!.AsDateTime());

        var secret = await CallAsync(tls, KmipVersion.V1_2, Operation.Create, Payload(TtlvElement.Enumeration(Tag.ObjectType, (uint)ObjectType.SecretData), TtlvElement.Structure(Tag.TemplateAttribute)));
        var notKey = await CallAsync(tls, KmipVersion.V1_2, Operation.ReKey, Payload(Uid(secret.Find(Tag.ResponsePayload)!.Find(Tag.UniqueIdentifier)!.AsText())));
        Assert.Equal(ResultStatus.OperationFailed, notKey.Status());
    }
}
