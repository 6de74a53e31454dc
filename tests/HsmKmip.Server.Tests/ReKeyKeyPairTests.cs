using System.Security.Cryptography;
using HsmKmip.Protocol.Vocabulary;
using HsmKmip.Ttlv;
using Xunit;
using static HsmKmip.Server.Tests.KmipTestClient;
using static HsmKmip.Server.Tests.ReKeyTests;
using static HsmKmip.Server.Tests.SymmetricKeys;

namespace HsmKmip.Server.Tests;

/// <summary>
/// Re-key Key Pair (KMIP 1.4 §4.5) over TLS: a new pair of the same algorithm and size, linked both ways to the pair it
/// replaces on both halves, dates moved by the Offset, names moved, the old pair's state kept; the new pair signs
/// inside the HSM and .NET verifies with the new public key.
/// </summary>
[Trait(BothStores.Name, BothStores.Value)]
public sealed class ReKeyKeyPairTests(ServerFixture fixture) : IClassFixture<ServerFixture>
{
    private TestServer Server => fixture.Server;

    private static Dictionary<LinkType, string> Links(IReadOnlyList<TtlvElement> attributes) =>
        attributes.Where(a => a.Find(Tag.AttributeName)!.AsText() == "Link").Select(a => a.Find(Tag.AttributeValue)!)
            .ToDictionary(v => (LinkType)v.Find(Tag.LinkType)!.AsEnum(), v => v.Find(Tag.LinkedObjectIdentifier)!.AsText());

    [Theory]
    [InlineData("rsa")]
    [InlineData("ec")]
    public async Task Re_key_key_pair_links_both_halves_both_ways_moves_dates_and_the_new_pair_signs(string family)
    {
        await using var tls = await Server.ConnectAsync(Server.ClientCertificate());
        var name = "rekey-pair-" + Guid.NewGuid().ToString("N")[..8];
        var nameAttribute = Attr("Name", TtlvElement.Structure(Tag.AttributeValue, TtlvElement.Text(Tag.NameValue, name), TtlvElement.Enumeration(Tag.NameType, (uint)NameType.UninterpretedTextString)));
        var create = family == "rsa"
            ? AsymmetricTests.CreateRsaPair(2048, [nameAttribute])
            : Item(Operation.CreateKeyPair, Payload(
                TtlvElement.Structure(Tag.CommonTemplateAttribute,
                    Attr("Cryptographic Algorithm", TtlvElement.Enumeration(Tag.AttributeValue, (uint)CryptographicAlgorithm.EC)),
                    Attr("Cryptographic Length", TtlvElement.Integer(Tag.AttributeValue, 384))),
                TtlvElement.Structure(Tag.PrivateKeyTemplateAttribute, AsymmetricTests.Mask(CryptographicUsageMask.Sign), nameAttribute),
                TtlvElement.Structure(Tag.PublicKeyTemplateAttribute, AsymmetricTests.Mask(CryptographicUsageMask.Verify))));
        var (oldPrivate, oldPublic) = await AsymmetricTests.CreatePairAsync(tls, KmipVersion.V1_4, create);
        var oldPrivateBefore = await AttributesAsync(tls, oldPrivate);
        var oldPublicKey = await PublicKeyAsync(tls, oldPublic);

        // Re-key Key Pair with Offset 0 (the new pair is active at once), then Sign with the ID placeholder: the new private key.
        var response = await RoundTripAsync(tls, Request(KmipVersion.V1_4,
            Item(Operation.ReKeyKeyPair, Payload(TtlvElement.Text(Tag.PrivateKeyUniqueIdentifier, oldPrivate), TtlvElement.Interval(Tag.Offset, 0))),
            Item(Operation.Sign, Payload(TtlvElement.Bytes(Tag.Data, "re-keyed"u8.ToArray())))));
        var items = response.Items();
        Assert.All(items, i => Assert.True(i.Status() == ResultStatus.Success, $"{i.Reason()}: {i.Message()}"));
        var body = items[0].Find(Tag.ResponsePayload)!;
        var newPrivate = body.Find(Tag.PrivateKeyUniqueIdentifier)!.AsText();
        var newPublic = body.Find(Tag.PublicKeyUniqueIdentifier)!.AsText();
        Assert.DoesNotContain(newPrivate, new[] { oldPrivate, oldPublic });
        Assert.DoesNotContain(newPublic, new[] { oldPrivate, oldPublic, newPrivate });
        Assert.Equal(newPrivate, items[1].Find(Tag.ResponsePayload)!.Find(Tag.UniqueIdentifier)!.AsText());

        // Links: Replacement on the old halves, Replaced on the new, and the new halves point at each other.
        var oldPrivateAfter = await AttributesAsync(tls, oldPrivate);
        var oldPublicAfter = await AttributesAsync(tls, oldPublic);
        var newPrivateAttributes = await AttributesAsync(tls, newPrivate);
        var newPublicAttributes = await AttributesAsync(tls, newPublic);
        Assert.Equal(newPrivate, Links(oldPrivateAfter)[LinkType.ReplacementObjectLink]);
        Assert.Equal(newPublic, Links(oldPublicAfter)[LinkType.ReplacementObjectLink]);
        Assert.Equal(oldPrivate, Links(newPrivateAttributes)[LinkType.ReplacedObjectLink]);
        Assert.Equal(oldPublic, Links(newPublicAttributes)[LinkType.ReplacedObjectLink]);
        Assert.Equal(newPublic, Links(newPrivateAttributes)[LinkType.PublicKeyLink]);
        Assert.Equal(newPrivate, Links(newPublicAttributes)[LinkType.PrivateKeyLink]);
        Assert.Equal(oldPublic, Links(oldPrivateAfter)[LinkType.PublicKeyLink]); // the old pair still knows its own halves

        // The old pair keeps its state; the name moved; the same algorithm and size; Offset 0: active from the new Initial Date.
        Assert.Equal((uint)State.Active, Value(oldPrivateAfter, "State")!.AsEnum());
        Assert.Equal((uint)State.Active, Value(oldPublicAfter, "State")!.AsEnum());
        Assert.Null(Value(oldPrivateAfter, "Name"));
        Assert.Equal(name, Value(newPrivateAttributes, "Name")!.Find(Tag.NameValue)!.AsText());
        foreach (var attribute in new[] { "Cryptographic Algorithm", "Cryptographic Length", "Cryptographic Usage Mask" })
        {
            Assert.Equal(TtlvWriter.Encode(Value(oldPrivateBefore, attribute)!), TtlvWriter.Encode(Value(newPrivateAttributes, attribute)!));
        }
        Assert.Equal(Value(newPublicAttributes, "Initial Date")!.AsDateTime(), Value(newPublicAttributes, "Activation Date")!.AsDateTime());
        Assert.Equal((uint)State.Active, Value(newPublicAttributes, "State")!.AsEnum());

        // A new key, and its signature verifies with it (not with the old one).
        var newPublicKey = await PublicKeyAsync(tls, newPublic);
        Assert.NotEqual(oldPublicKey, newPublicKey);
        var signature = items[1].Find(Tag.ResponsePayload)!.Find(Tag.SignatureData)!.AsBytes().ToArray();
        Assert.True(Verifies(family, newPublicKey, "re-keyed"u8.ToArray(), signature));
        Assert.False(Verifies(family, oldPublicKey, "re-keyed"u8.ToArray(), signature));
    }

    [Fact]
    public async Task Re_key_key_pair_refuses_a_public_key_a_missing_key_and_a_destroyed_one()
    {
        await using var tls = await Server.ConnectAsync(Server.ClientCertificate());
        var (privateUid, publicUid) = await AsymmetricTests.CreatePairAsync(tls, KmipVersion.V2_0, AsymmetricTests.CreateRsaPair(2048), activate: false);
        var wrongType = await CallAsync(tls, KmipVersion.V2_0, Operation.ReKeyKeyPair, Payload(TtlvElement.Text(Tag.PrivateKeyUniqueIdentifier, publicUid)));
        Assert.Equal(ResultReason.InvalidObjectType, wrongType.Reason());
        var missing = await CallAsync(tls, KmipVersion.V1_4, Operation.ReKeyKeyPair, Payload(TtlvElement.Text(Tag.PrivateKeyUniqueIdentifier, Guid.NewGuid().ToString())));
        Assert.Equal(ResultReason.ItemNotFound, missing.Reason());
        Assert.Equal(ResultStatus.Success, (await CallAsync(tls, KmipVersion.V1_4, Operation.Destroy, Payload(TtlvElement.Text(Tag.UniqueIdentifier, privateUid)))).Status());
        var destroyed = await CallAsync(tls, KmipVersion.V2_1, Operation.ReKeyKeyPair, Payload(TtlvElement.Text(Tag.PrivateKeyUniqueIdentifier, privateUid)));
        Assert.Equal(ResultStatus.OperationFailed, destroyed.Status());
        Assert.Equal(ResultReason.WrongKeyLifecycleState, destroyed.Reason());
        Assert.Contains("no key to replace", destroyed.Message(), StringComparison.Ordinal);
    }

    private static async Task<byte[]> PublicKeyAsync(System.Net.Security.SslStream tls, string uid)
    {
        var item = await CallAsync(tls, KmipVersion.V1_4, Operation.Get, Payload(TtlvElement.Text(Tag.UniqueIdentifier, uid), TtlvElement.Enumeration(Tag.KeyFormatType, (uint)KeyFormatType.X_509)));
        Assert.True(item.Status() == ResultStatus.Success, item.Message());
        return item.Find(Tag.ResponsePayload)!.Find(Tag.PublicKey)!.Find(Tag.KeyBlock)!.Find(Tag.KeyValue)!.Find(Tag.KeyMaterial)!.AsBytes().ToArray();
    }

    private static bool Verifies(string family, byte[] spki, byte[] data, byte[] signature)
    {
        if (family == "rsa")
        {
            using var rsa = RSA.Create();
            rsa.ImportSubjectPublicKeyInfo(spki, out _);
            return rsa.VerifyData(data, signature, HashAlgorithmName.SHA256, RSASignaturePadding.Pkcs1);
        }
        using var ec = ECDsa.Create();
        ec.ImportSubjectPublicKeyInfo(spki, out _);
        return ec.VerifyData(data, signature, HashAlgorithmName.SHA256, DSASignatureFormat.Rfc3279DerSequence);
    }
}
