using System.Net.Security;
using System.Security.Cryptography;
using HsmKmip.Protocol.Vocabulary;
using HsmKmip.Ttlv;
using Xunit;
using static HsmKmip.Server.Tests.KmipTestClient;
using static HsmKmip.Server.Tests.SymmetricKeys;

namespace HsmKmip.Server.Tests;

/// <summary>
/// Create Split Key / Join Split Key (KMIP 1.4 §4.38–4.39) and PGP Key objects over TLS. Parts are checked against an
/// independent Shamir reconstruction (log/antilog tables over GF(2^8) with generator 3, not the server's bitwise
/// multiply) and XOR; joined keys against the original key's bytes and by decrypting with .NET's AES.
/// </summary>
[Trait(BothStores.Name, BothStores.Value)]
public sealed class SplitKeyTests(ServerFixture fixture) : IClassFixture<ServerFixture>
{
    private TestServer Server => fixture.Server;

    private static TtlvElement SplitRequest(string? baseId, SplitKeyMethod method, int parts, int threshold, params TtlvElement[] attributes) => Payload(
        TtlvElement.Enumeration(Tag.ObjectType, (uint)ObjectType.SymmetricKey),
        baseId is null ? null : Uid(baseId),
        TtlvElement.Integer(Tag.SplitKeyParts, parts),
        TtlvElement.Integer(Tag.SplitKeyThreshold, threshold),
        TtlvElement.Enumeration(Tag.SplitKeyMethod, (uint)method),
        attributes.Length == 0 ? null : TtlvElement.Structure(Tag.TemplateAttribute, attributes));

    private static async Task<string[]> SplitAsync(SslStream tls, string? baseId, SplitKeyMethod method, int parts, int threshold, params TtlvElement[] attributes)
    {
        var item = await CallAsync(tls, KmipVersion.V1_4, Operation.CreateSplitKey, SplitRequest(baseId, method, parts, threshold, attributes));
        Assert.True(item.Status() == ResultStatus.Success, item.Message());
        return item.Find(Tag.ResponsePayload)!.FindAll(Tag.UniqueIdentifier).Select(e => e.AsText()).ToArray();
    }

    private static async Task<TtlvElement> JoinAsync(SslStream tls, IEnumerable<string> parts) =>
        await CallAsync(tls, KmipVersion.V1_4, Operation.JoinSplitKey, Payload([TtlvElement.Enumeration(Tag.ObjectType, (uint)ObjectType.SymmetricKey), .. parts.Select(Uid)]));

    private static async Task<TtlvElement> PartAsync(SslStream tls, string uid)
    {
        var got = await CallAsync(tls, KmipVersion.V1_4, Operation.Get, Payload(Uid(uid)));
        Assert.True(got.Status() == ResultStatus.Success, got.Message());
        return got.Find(Tag.ResponsePayload)!.Find(Tag.SplitKey)!;
    }

    private static byte[] Material(TtlvElement body) => body.Find(Tag.KeyBlock)!.Find(Tag.KeyValue)!.Find(Tag.KeyMaterial)!.AsBytes().ToArray();

    private static async Task<string> ExtractableKeyAsync(SslStream tls) => await CreateAsync(tls);

    [Fact]
    public async Task Any_threshold_parts_of_a_gf256_split_join_to_the_original_key()
    {
        await using var tls = await Server.ConnectAsync(Server.ClientCertificate());
        var key = await ExtractableKeyAsync(tls);
        var original = await MaterialAsync(tls, key);
        var parts = await SplitAsync(tls, key, SplitKeyMethod.PolynomialSharingGF2_8, 5, 3);
        Assert.Equal(5, parts.Length);

        var bodies = new List<TtlvElement>();
        foreach (var uid in parts) bodies.Add(await PartAsync(tls, uid));
        for (var k = 0; k < 5; k++)
        {
            Assert.Equal(5, bodies[k].Find(Tag.SplitKeyParts)!.AsInt32());
            Assert.Equal(k + 1, bodies[k].Find(Tag.KeyPartIdentifier)!.AsInt32());
            Assert.Equal(3, bodies[k].Find(Tag.SplitKeyThreshold)!.AsInt32());
            Assert.Equal((uint)SplitKeyMethod.PolynomialSharingGF2_8, bodies[k].Find(Tag.SplitKeyMethod)!.AsEnum());
            Assert.Equal(32, Material(bodies[k]).Length);
            Assert.NotEqual(original, Material(bodies[k]));
        }
        // Independent reconstruction from every 3-subset of the parts' bytes.
        foreach (var subset in new[] { new[] { 0, 1, 2 }, [0, 2, 4], [1, 3, 4], [2, 3, 4] })
        {
            Assert.Equal(original, ShamirReference.Join(subset.Select(i => (i + 1, Material(bodies[i]))).ToArray()));
        }
        // Two parts alone say nothing: what they interpolate to is not the key.
        Assert.NotEqual(original, ShamirReference.Join([(1, Material(bodies[0])), (2, Material(bodies[1]))]));

        var joined = await JoinAsync(tls, [parts[4], parts[1], parts[3]]);
        Assert.True(joined.Status() == ResultStatus.Success, joined.Message());
        var joinedId = joined.Find(Tag.ResponsePayload)!.Find(Tag.UniqueIdentifier)!.AsText();
        Assert.Equal(original, await MaterialAsync(tls, joinedId));
    }

    [Fact]
    public async Task A_generated_key_split_with_xor_exists_only_as_its_parts_and_the_joined_key_encrypts()
    {
        await using var tls = await Server.ConnectAsync(Server.ClientCertificate());
        var parts = await SplitAsync(tls, null, SplitKeyMethod.XOR, 3, 3,
            Attr("Cryptographic Algorithm", TtlvElement.Enumeration(Tag.AttributeValue, (uint)CryptographicAlgorithm.AES)),
            Attr("Cryptographic Length", TtlvElement.Integer(Tag.AttributeValue, 128)),
            Attr("Cryptographic Usage Mask", TtlvElement.Integer(Tag.AttributeValue, (int)(CryptographicUsageMask.Encrypt | CryptographicUsageMask.Decrypt))));
        var shares = new List<byte[]>();
        foreach (var uid in parts) shares.Add(Material(await PartAsync(tls, uid)));
        var expected = new byte[16];
        foreach (var s in shares) for (var j = 0; j < 16; j++) expected[j] ^= s[j];

        Assert.Equal(ResultReason.InvalidField, (await JoinAsync(tls, parts.Take(2))).Reason());
        var joined = await JoinAsync(tls, parts);
        Assert.True(joined.Status() == ResultStatus.Success, joined.Message());
        var key = joined.Find(Tag.ResponsePayload)!.Find(Tag.UniqueIdentifier)!.AsText();
        Assert.Equal(expected, await MaterialAsync(tls, key));

        Assert.Equal(ResultStatus.Success, (await CallAsync(tls, KmipVersion.V1_0, Operation.Activate, Payload(Uid(key)))).Status());
        var data = RandomNumberGenerator.GetBytes(48);
        var encrypted = await CallAsync(tls, KmipVersion.V1_4, Operation.Encrypt, Payload(Uid(key), Parameters(BlockCipherMode.CBC, PaddingMethod.PKCS5, randomIv: true), TtlvElement.Bytes(Tag.Data, data)));
        Assert.True(encrypted.Status() == ResultStatus.Success, encrypted.Message());
        using var aes = Aes.Create();
        aes.Key = expected;
        Assert.Equal(data, aes.DecryptCbc(encrypted.Bytes(Tag.Data), encrypted.Bytes(Tag.IVCounterNonce)));
    }

    [Fact]
    public async Task Parts_link_to_their_neighbours_and_to_the_base_key()
    {
        await using var tls = await Server.ConnectAsync(Server.ClientCertificate());
        var key = await ExtractableKeyAsync(tls);
        var parts = await SplitAsync(tls, key, SplitKeyMethod.PolynomialSharingGF2_8, 3, 2);
        for (var k = 0; k < 3; k++)
        {
            var attributes = await CallAsync(tls, KmipVersion.V1_4, Operation.GetAttributes, Payload(Uid(parts[k]), TtlvElement.Text(Tag.AttributeName, "Link")));
            var links = attributes.Find(Tag.ResponsePayload)!.FindAll(Tag.Attribute).Select(a => a.Find(Tag.AttributeValue)!)
                .ToDictionary(v => (LinkType)v.Find(Tag.LinkType)!.AsEnum(), v => v.Find(Tag.LinkedObjectIdentifier)!.AsText());
            Assert.Equal(key, links[LinkType.ParentLink]);
            if (k > 0) Assert.Equal(parts[k - 1], links[LinkType.PreviousLink]); else Assert.False(links.ContainsKey(LinkType.PreviousLink));
            if (k < 2) Assert.Equal(parts[k + 1], links[LinkType.NextLink]); else Assert.False(links.ContainsKey(LinkType.NextLink));
        }
    }

    [Fact]
    public async Task Bad_splits_and_joins_are_refused_with_the_reason()
    {
        await using var tls = await Server.ConnectAsync(Server.ClientCertificate());
        var key = await ExtractableKeyAsync(tls);
        var tooHigh = await CallAsync(tls, KmipVersion.V1_4, Operation.CreateSplitKey, SplitRequest(key, SplitKeyMethod.PolynomialSharingGF2_8, 3, 4));
        Assert.Equal(ResultReason.InvalidField, tooHigh.Reason());
        Assert.Contains("Split Key Threshold", tooHigh.Message(), StringComparison.Ordinal);
        var xor = await CallAsync(tls, KmipVersion.V1_4, Operation.CreateSplitKey, SplitRequest(key, SplitKeyMethod.XOR, 3, 2));
        Assert.Equal(ResultReason.InvalidField, xor.Reason());
        var gf16 = await CallAsync(tls, KmipVersion.V1_4, Operation.CreateSplitKey, SplitRequest(key, SplitKeyMethod.PolynomialSharingGF2_16, 3, 2));
        Assert.Equal(ResultReason.FeatureNotSupported, gf16.Reason());

        var sensitive = await CreateAsync(tls);
        Assert.Equal(ResultStatus.Success, (await CallAsync(tls, KmipVersion.V1_4, Operation.ModifyAttribute, Payload(Uid(sensitive), Attr("Sensitive", TtlvElement.Boolean(Tag.AttributeValue, true))))).Status());
        var refused = await CallAsync(tls, KmipVersion.V1_4, Operation.CreateSplitKey, SplitRequest(sensitive, SplitKeyMethod.PolynomialSharingGF2_8, 3, 2));
        Assert.Equal(ResultReason.NotExtractable, refused.Reason());

        var first = await SplitAsync(tls, key, SplitKeyMethod.PolynomialSharingGF2_8, 3, 2);
        var second = await SplitAsync(tls, key, SplitKeyMethod.PolynomialSharingGF2_8, 4, 2);
        var mixed = await JoinAsync(tls, [first[0], second[1]]);
        Assert.Equal(ResultReason.InvalidField, mixed.Reason());
        Assert.Contains("same split", mixed.Message(), StringComparison.Ordinal);
        var notAPart = await JoinAsync(tls, [first[0], key]);
        Assert.Equal(ResultReason.InvalidField, notAPart.Reason());
        var one = await JoinAsync(tls, [first[2]]);
        Assert.Equal(ResultReason.InvalidField, one.Reason());
        Assert.Contains("at least 2", one.Message(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_pgp_key_registers_and_comes_back_byte_identical_and_query_lists_it_from_1_2()
    {
        await using var tls = await Server.ConnectAsync(Server.ClientCertificate());
        var packet = RandomNumberGenerator.GetBytes(300);
        var register = await CallAsync(tls, KmipVersion.V1_2, Operation.Register, Payload(
            TtlvElement.Enumeration(Tag.ObjectType, (uint)ObjectType.PGPKey),
            TtlvElement.Structure(Tag.TemplateAttribute, Attr("Cryptographic Usage Mask", TtlvElement.Integer(Tag.AttributeValue, (int)CryptographicUsageMask.Sign))),
            TtlvElement.Structure(Tag.PGPKey,
                TtlvElement.Integer(Tag.PGPKeyVersion, 4),
                TtlvElement.Structure(Tag.KeyBlock,
                    TtlvElement.Enumeration(Tag.KeyFormatType, (uint)KeyFormatType.Opaque),
                    TtlvElement.Structure(Tag.KeyValue, TtlvElement.Bytes(Tag.KeyMaterial, packet))))));
        Assert.True(register.Status() == ResultStatus.Success, register.Message());
        var uid = register.Find(Tag.ResponsePayload)!.Find(Tag.UniqueIdentifier)!.AsText();
        var got = await CallAsync(tls, KmipVersion.V1_2, Operation.Get, Payload(Uid(uid)));
        Assert.True(got.Status() == ResultStatus.Success, got.Message());
        var body = got.Find(Tag.ResponsePayload)!.Find(Tag.PGPKey)!;
        Assert.Equal(4, body.Find(Tag.PGPKeyVersion)!.AsInt32());
        Assert.Equal(packet, body.Find(Tag.KeyBlock)!.Find(Tag.KeyValue)!.Find(Tag.KeyMaterial)!.AsBytes().ToArray());

        async Task<bool> Lists(KmipVersion version) => (await CallAsync(tls, version, Operation.Query, Payload(TtlvElement.Enumeration(Tag.QueryFunction, (uint)QueryFunction.QueryObjects))))
            .Find(Tag.ResponsePayload)!.FindAll(Tag.ObjectType).Any(o => o.AsEnum() == (uint)ObjectType.PGPKey);
        Assert.False(await Lists(KmipVersion.V1_1));
        Assert.True(await Lists(KmipVersion.V1_2));
    }

    /// <summary>Shamir reconstruction at 0 over GF(2^8)/0x11B with log and antilog tables (generator 3): the test's own arithmetic.</summary>
    private static class ShamirReference
    {
        private static readonly byte[] Exp = new byte[510];
        private static readonly byte[] Log = new byte[256];

        static ShamirReference()
        {
            var x = 1;
            for (var i = 0; i < 255; i++)
            {
                Exp[i] = Exp[i + 255] = (byte)x;
                Log[x] = (byte)i;
                x ^= x << 1; // x·3
                if ((x & 0x100) != 0) x ^= 0x11B;
            }
        }

        private static byte Mul(byte a, byte b) => a == 0 || b == 0 ? (byte)0 : Exp[Log[a] + Log[b]];

        private static byte Div(byte a, byte b) => a == 0 ? (byte)0 : Exp[Log[a] + 255 - Log[b]];

        public static byte[] Join((int X, byte[] Y)[] points)
        {
            var secret = new byte[points[0].Y.Length];
            for (var i = 0; i < points.Length; i++)
            {
                byte weight = 1;
                for (var m = 0; m < points.Length; m++)
                {
                    if (m != i) weight = Mul(weight, Div((byte)points[m].X, (byte)(points[m].X ^ points[i].X)));
                }
                for (var j = 0; j < secret.Length; j++) secret[j] ^= Mul(weight, points[i].Y[j]);
            }
            return secret;
        }
    }
}
