using System.Security.Cryptography;
using HsmKmip.Protocol.Vocabulary;
using HsmKmip.Ttlv;
using Xunit;
using static HsmKmip.Server.Tests.KmipTestClient;
using static HsmKmip.Server.Tests.SymmetricKeys;

namespace HsmKmip.Server.Tests;

/// <summary>Register and Get of PGP Key (KMIP 1.2+) and Split Key objects: the Key Value is kept wrapped under the KEK.</summary>
public sealed class PgpAndSplitKeyTests(ServerFixture fixture) : IClassFixture<ServerFixture>
{
    private TestServer Server => fixture.Server;

    private static TtlvElement KeyBlock(byte[] material) => TtlvElement.Structure(Tag.KeyBlock,
        TtlvElement.Enumeration(Tag.KeyFormatType, (uint)KeyFormatType.Opaque),
        TtlvElement.Structure(Tag.KeyValue, TtlvElement.Bytes(Tag.KeyMaterial, material)));

    private static TtlvElement Register(ObjectType type, TtlvElement body) => Payload(
        TtlvElement.Enumeration(Tag.ObjectType, (uint)type),
        TtlvElement.Structure(Tag.TemplateAttribute, Attr("Cryptographic Usage Mask", TtlvElement.Integer(Tag.AttributeValue, 0))),
        body);

    private static async Task<string> RegisterAsync(System.Net.Security.SslStream tls, KmipVersion version, ObjectType type, TtlvElement body)
    {
        var registered = await CallAsync(tls, version, Operation.Register, Register(type, body));
        Assert.True(registered.Status() == ResultStatus.Success, registered.Message());
        return registered.Find(Tag.ResponsePayload)!.Find(Tag.UniqueIdentifier)!.AsText();
    }

    private static byte[] MaterialOf(TtlvElement item, uint bodyTag)
    {
        Assert.True(item.Status() == ResultStatus.Success, item.Message());
        return item.Find(Tag.ResponsePayload)!.Find(bodyTag)!.Find(Tag.KeyBlock)!.Find(Tag.KeyValue)!.Find(Tag.KeyMaterial)!.AsBytes().ToArray();
    }

    [Fact]
    public async Task A_pgp_key_registers_from_1_2_and_comes_back_byte_for_byte()
    {
        await using var tls = await Server.ConnectAsync(Server.ClientCertificate());
        var material = RandomNumberGenerator.GetBytes(300);
        var pgp = TtlvElement.Structure(Tag.PGPKey, TtlvElement.Integer(Tag.PGPKeyVersion, 4), KeyBlock(material));
        var uid = await RegisterAsync(tls, KmipVersion.V1_2, ObjectType.PGPKey, pgp);

        var got = await CallAsync(tls, KmipVersion.V1_4, Operation.Get, Payload(Uid(uid)));
        Assert.Equal(material, MaterialOf(got, Tag.PGPKey));
        Assert.Equal(4, got.Find(Tag.ResponsePayload)!.Find(Tag.PGPKey)!.Find(Tag.PGPKeyVersion)!.AsInt32());

        var old = await CallAsync(tls, KmipVersion.V1_1, Operation.Register, Register(ObjectType.PGPKey, pgp));
        Assert.Equal(ResultStatus.OperationFailed, old.Status());

        TtlvElement QueryObjects() => Payload(TtlvElement.Enumeration(Tag.QueryFunction, (uint)QueryFunction.QueryObjects));
        var types12 = (await CallAsync(tls, KmipVersion.V1_2, Operation.Query, QueryObjects())).Find(Tag.ResponsePayload)!.FindAll(Tag.ObjectType).Select(t => (ObjectType)t.AsEnum());
        var types11 = (await CallAsync(tls, KmipVersion.V1_1, Operation.Query, QueryObjects())).Find(Tag.ResponsePayload)!.FindAll(Tag.ObjectType).Select(t => (ObjectType)t.AsEnum());
        Assert.Contains(ObjectType.PGPKey, types12);
        Assert.DoesNotContain(ObjectType.PGPKey, types11);
    }

    [Fact]
    public async Task A_split_key_part_comes_back_with_its_split_parameters()
    {
        await using var tls = await Server.ConnectAsync(Server.ClientCertificate());
        var material = RandomNumberGenerator.GetBytes(32);
        var split = TtlvElement.Structure(Tag.SplitKey,
            TtlvElement.Integer(Tag.SplitKeyParts, 3),
            TtlvElement.Integer(Tag.KeyPartIdentifier, 2),
            TtlvElement.Integer(Tag.SplitKeyThreshold, 2),
            TtlvElement.Enumeration(Tag.SplitKeyMethod, (uint)SplitKeyMethod.PolynomialSharingGF2_8),
            KeyBlock(material));
        var uid = await RegisterAsync(tls, KmipVersion.V1_4, ObjectType.SplitKey, split);
        var got = await CallAsync(tls, KmipVersion.V1_4, Operation.Get, Payload(Uid(uid)));
        Assert.Equal(material, MaterialOf(got, Tag.SplitKey));
        Assert.Equal(2, got.Find(Tag.ResponsePayload)!.Find(Tag.SplitKey)!.Find(Tag.KeyPartIdentifier)!.AsInt32());
    }

    private static TtlvElement CreateSplit(string uid, SplitKeyMethod method, int parts, int threshold) => Payload(
        TtlvElement.Enumeration(Tag.ObjectType, (uint)ObjectType.SymmetricKey),
        Uid(uid),
        TtlvElement.Integer(Tag.SplitKeyParts, parts),
        TtlvElement.Integer(Tag.SplitKeyThreshold, threshold),
        TtlvElement.Enumeration(Tag.SplitKeyMethod, (uint)method));

    private static TtlvElement Join(params string[] parts) => Payload(
        [TtlvElement.Enumeration(Tag.ObjectType, (uint)ObjectType.SymmetricKey), .. parts.Select(Uid)]);

    private static async Task<string[]> SplitAsync(System.Net.Security.SslStream tls, string uid, SplitKeyMethod method, int parts, int threshold)
    {
        var split = await CallAsync(tls, KmipVersion.V1_4, Operation.CreateSplitKey, CreateSplit(uid, method, parts, threshold));
        Assert.True(split.Status() == ResultStatus.Success, split.Message());
        return split.Find(Tag.ResponsePayload)!.FindAll(Tag.UniqueIdentifier).Select(u => u.AsText()).ToArray();
    }

    private static async Task<byte[]> JoinedMaterialAsync(System.Net.Security.SslStream tls, params string[] parts)
    {
        var joined = await CallAsync(tls, KmipVersion.V1_4, Operation.JoinSplitKey, Join(parts));
        Assert.True(joined.Status() == ResultStatus.Success, joined.Message());
        return await MaterialAsync(tls, joined.Find(Tag.ResponsePayload)!.Find(Tag.UniqueIdentifier)!.AsText());
    }

    [Fact]
    public async Task Xor_split_parts_xor_to_the_key_and_join_back_into_it()
    {
        await using var tls = await Server.ConnectAsync(Server.ClientCertificate());
        var uid = await CreateAsync(tls);
        var key = await MaterialAsync(tls, uid);
        var parts = await SplitAsync(tls, uid, SplitKeyMethod.XOR, 3, 3);
        Assert.Equal(3, parts.Length);

        // Checked independently of the server's join: the parts' bytes XOR to the key.
        var xor = new byte[key.Length];
        foreach (var part in parts)
        {
            var got = await CallAsync(tls, KmipVersion.V1_4, Operation.Get, Payload(Uid(part)));
            var share = MaterialOf(got, Tag.SplitKey);
            Assert.NotEqual(key, share);
            for (int i = 0; i < xor.Length; i++) xor[i] ^= share[i];
        }
        Assert.Equal(key, xor);
        Assert.Equal(key, await JoinedMaterialAsync(tls, parts));
        var short1 = await CallAsync(tls, KmipVersion.V1_4, Operation.JoinSplitKey, Join(parts[0], parts[1]));
        Assert.Equal(ResultReason.InvalidField, short1.Reason());
    }

    [Fact]
    public async Task Polynomial_sharing_joins_from_any_threshold_of_parts_and_not_from_fewer()
    {
        await using var tls = await Server.ConnectAsync(Server.ClientCertificate());
        var uid = await CreateAsync(tls);
        var key = await MaterialAsync(tls, uid);
        var parts = await SplitAsync(tls, uid, SplitKeyMethod.PolynomialSharingGF2_8, 5, 3);
        Assert.Equal(key, await JoinedMaterialAsync(tls, parts[0], parts[1], parts[2]));
        Assert.Equal(key, await JoinedMaterialAsync(tls, parts[4], parts[1], parts[3]));
        Assert.Equal(key, await JoinedMaterialAsync(tls, parts));
        Assert.Equal(ResultReason.InvalidField, (await CallAsync(tls, KmipVersion.V1_4, Operation.JoinSplitKey, Join(parts[0], parts[3]))).Reason());
        Assert.Equal(ResultReason.InvalidField, (await CallAsync(tls, KmipVersion.V1_4, Operation.JoinSplitKey, Join(parts[0], parts[0], parts[1]))).Reason());
        Assert.Equal(ResultReason.FeatureNotSupported, (await CallAsync(tls, KmipVersion.V1_4, Operation.CreateSplitKey, CreateSplit(uid, SplitKeyMethod.PolynomialSharingPrimeField, 3, 2))).Reason());
        Assert.Equal(ResultReason.InvalidField, (await CallAsync(tls, KmipVersion.V1_4, Operation.CreateSplitKey, CreateSplit(uid, SplitKeyMethod.XOR, 3, 2))).Reason());
    }
}
