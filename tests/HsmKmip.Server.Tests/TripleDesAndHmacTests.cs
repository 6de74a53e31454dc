using System.Security.Cryptography;
using HsmKmip.Protocol.Vocabulary;
using HsmKmip.Ttlv;
using Xunit;
using static HsmKmip.Server.Tests.KmipTestClient;
using static HsmKmip.Server.Tests.SymmetricKeys;

namespace HsmKmip.Server.Tests;

/// <summary>
/// 3DES keys (Create in the token, Get, Encrypt/Decrypt in CBC and ECB), HMAC on AES keys and the GCM tag length
/// error, over real TLS, every result checked with .NET's TripleDES, HMACSHA256 and AesGcm.
/// </summary>
[Trait(BothStores.Name, BothStores.Value)]
public sealed class TripleDesAndHmacTests(ServerFixture fixture) : IClassFixture<ServerFixture>
{
    private TestServer Server => fixture.Server;

    [Fact]
    public async Task A_created_3des_key_encrypts_and_decrypts_as_dotnet_tripledes_does()
    {
        await using var tls = await Server.ConnectAsync(Server.ClientCertificate());
        var uid = await CreateAsync(tls, CryptographicAlgorithm.DES3, 168);
        var got = await CallAsync(tls, KmipVersion.V1_4, Operation.Get, Payload(Uid(uid)));
        var block = got.Find(Tag.ResponsePayload)!.Find(Tag.SymmetricKey)!.Find(Tag.KeyBlock)!;
        Assert.Equal(CryptographicAlgorithm.DES3, (CryptographicAlgorithm)block.Find(Tag.CryptographicAlgorithm)!.AsEnum());
        Assert.Equal(168, block.Find(Tag.CryptographicLength)!.AsInt32());
        var key = await MaterialAsync(tls, uid);
        Assert.Equal(24, key.Length);
        using var des = TripleDES.Create();
        des.Key = key;
        var data = RandomNumberGenerator.GetBytes(37);
        var iv = RandomNumberGenerator.GetBytes(8);

        var cbc = await CallAsync(tls, KmipVersion.V1_4, Operation.Encrypt, Payload(Uid(uid), Parameters(BlockCipherMode.CBC, PaddingMethod.PKCS5),
            TtlvElement.Bytes(Tag.Data, data), TtlvElement.Bytes(Tag.IVCounterNonce, iv)));
        Assert.True(cbc.Status() == ResultStatus.Success, cbc.Message());
        Assert.Equal(des.EncryptCbc(data, iv, PaddingMode.PKCS7), cbc.Bytes(Tag.Data));

        var random = await CallAsync(tls, KmipVersion.V1_4, Operation.Encrypt, Payload(Uid(uid), Parameters(BlockCipherMode.CBC, PaddingMethod.PKCS5, randomIv: true),
            TtlvElement.Bytes(Tag.Data, data)));
        var randomIv = random.Bytes(Tag.IVCounterNonce);
        Assert.Equal(8, randomIv.Length);
        Assert.Equal(data, des.DecryptCbc(random.Bytes(Tag.Data), randomIv, PaddingMode.PKCS7));

        var blocks = data[..32];
        var ecb = await CallAsync(tls, KmipVersion.V1_4, Operation.Encrypt, Payload(Uid(uid), Parameters(BlockCipherMode.ECB, PaddingMethod.None), TtlvElement.Bytes(Tag.Data, blocks)));
        Assert.Equal(des.EncryptEcb(blocks, PaddingMode.None), ecb.Bytes(Tag.Data));

        var local = des.EncryptCbc(data, iv, PaddingMode.PKCS7);
        var decrypted = await CallAsync(tls, KmipVersion.V1_4, Operation.Decrypt, Payload(Uid(uid), Parameters(BlockCipherMode.CBC, PaddingMethod.PKCS5),
            TtlvElement.Bytes(Tag.Data, local), TtlvElement.Bytes(Tag.IVCounterNonce, iv)));
        Assert.Equal(data, decrypted.Bytes(Tag.Data));
        var ecbPadded = await CallAsync(tls, KmipVersion.V1_4, Operation.Decrypt, Payload(Uid(uid), Parameters(BlockCipherMode.ECB, PaddingMethod.PKCS5),
            TtlvElement.Bytes(Tag.Data, des.EncryptEcb(data, PaddingMode.PKCS7))));
        Assert.Equal(data, ecbPadded.Bytes(Tag.Data));
    }

    [Fact]
    public async Task A_registered_3des_key_encrypts_as_dotnet_does_and_refuses_other_modes_and_lengths()
    {
        await using var tls = await Server.ConnectAsync(Server.ClientCertificate());
        var key = Convert.FromHexString("0123456789ABCDEFFEDCBA987654321089ABCDEF01234567");
        var uid = await AsymmetricTests.RegisterAsync(tls, ObjectType.SymmetricKey, SymmetricKey(key), CryptographicUsageMask.Encrypt | CryptographicUsageMask.Decrypt);
        var data = RandomNumberGenerator.GetBytes(16);
        using var des = TripleDES.Create();
        des.Key = key;
        var ecb = await CallAsync(tls, KmipVersion.V1_2, Operation.Encrypt, Payload(Uid(uid), Parameters(BlockCipherMode.ECB), TtlvElement.Bytes(Tag.Data, data)));
        Assert.True(ecb.Status() == ResultStatus.Success, ecb.Message());
        Assert.Equal(des.EncryptEcb(data, PaddingMode.None), ecb.Bytes(Tag.Data));
        var attributes = await CallAsync(tls, KmipVersion.V1_4, Operation.GetAttributes, Payload(Uid(uid), TtlvElement.Text(Tag.AttributeName, "Cryptographic Length")));
        Assert.Equal(168, attributes.Find(Tag.ResponsePayload)!.Find(Tag.Attribute)!.Find(Tag.AttributeValue)!.AsInt32());

        var gcm = await CallAsync(tls, KmipVersion.V1_4, Operation.Encrypt, Payload(Uid(uid), Parameters(BlockCipherMode.GCM), TtlvElement.Bytes(Tag.Data, data)));
        Assert.Equal(ResultReason.InvalidField, gcm.Reason());
        Assert.Contains("3DES", gcm.Message(), StringComparison.Ordinal);
        var shortIv = await CallAsync(tls, KmipVersion.V1_4, Operation.Encrypt, Payload(Uid(uid), Parameters(BlockCipherMode.CBC),
            TtlvElement.Bytes(Tag.Data, data), TtlvElement.Bytes(Tag.IVCounterNonce, new byte[16])));
        Assert.Equal(ResultReason.InvalidField, shortIv.Reason());

        var create = await CallAsync(tls, KmipVersion.V1_4, Operation.Create, Payload(TtlvElement.Enumeration(Tag.ObjectType, (uint)ObjectType.SymmetricKey),
            TtlvElement.Structure(Tag.TemplateAttribute,
                Attr("Cryptographic Algorithm", TtlvElement.Enumeration(Tag.AttributeValue, (uint)CryptographicAlgorithm.DES3)),
                Attr("Cryptographic Length", TtlvElement.Integer(Tag.AttributeValue, 128)))));
        Assert.Equal(ResultReason.InvalidField, create.Reason());
    }

    [Fact]
    public async Task A_two_key_3des_key_is_created_with_CKM_DES2_KEY_GEN_and_registered_and_both_encrypt_as_dotnet_does()
    {
        await using var tls = await Server.ConnectAsync(Server.ClientCertificate());
        var created = await CreateAsync(tls, CryptographicAlgorithm.DES3, 112);
        var key = await MaterialAsync(tls, created);
        Assert.Equal(16, key.Length);
        var registered = await AsymmetricTests.RegisterAsync(tls, ObjectType.SymmetricKey,
            TtlvElement.Structure(Tag.SymmetricKey, TtlvElement.Structure(Tag.KeyBlock,
                TtlvElement.Enumeration(Tag.KeyFormatType, (uint)KeyFormatType.Raw),
                TtlvElement.Structure(Tag.KeyValue, TtlvElement.Bytes(Tag.KeyMaterial, Convert.FromHexString("0123456789ABCDEFFEDCBA9876543210"))),
                TtlvElement.Enumeration(Tag.CryptographicAlgorithm, (uint)CryptographicAlgorithm.DES3),
                TtlvElement.Integer(Tag.CryptographicLength, 112))),
            CryptographicUsageMask.Encrypt | CryptographicUsageMask.Decrypt);
        var data = RandomNumberGenerator.GetBytes(16);
        foreach (var (uid, material) in new[] { (created, key), (registered, Convert.FromHexString("0123456789ABCDEFFEDCBA9876543210")) })
        {
            using var des = TripleDES.Create();
            // Two-key 3DES is three-key 3DES with K3 = K1 (SP 800-67 keying option 2); OpenSSL takes it in that form.
            des.Key = [.. material, .. material[..8]];
            var ecb = await CallAsync(tls, KmipVersion.V1_4, Operation.Encrypt, Payload(Uid(uid), Parameters(BlockCipherMode.ECB), TtlvElement.Bytes(Tag.Data, data)));
            Assert.True(ecb.Status() == ResultStatus.Success, ecb.Message());
            Assert.Equal(des.EncryptEcb(data, PaddingMode.None), ecb.Bytes(Tag.Data));
        }
    }

    private static TtlvElement SymmetricKey(byte[] key) =>
        TtlvElement.Structure(Tag.SymmetricKey, TtlvElement.Structure(Tag.KeyBlock,
            TtlvElement.Enumeration(Tag.KeyFormatType, (uint)KeyFormatType.Raw),
            TtlvElement.Structure(Tag.KeyValue, TtlvElement.Bytes(Tag.KeyMaterial, key)),
            TtlvElement.Enumeration(Tag.CryptographicAlgorithm, (uint)CryptographicAlgorithm.DES3),
            TtlvElement.Integer(Tag.CryptographicLength, 168)));

    [Theory]
    [InlineData(128)]
    [InlineData(256)]
    public async Task Hmac_sha256_on_an_aes_key_that_may_mac_matches_dotnet(int bits)
    {
        await using var tls = await Server.ConnectAsync(Server.ClientCertificate());
        var uid = await CreateAsync(tls, CryptographicAlgorithm.AES, bits, CryptographicUsageMask.Encrypt | CryptographicUsageMask.MACGenerate | CryptographicUsageMask.MACVerify);
        var key = await MaterialAsync(tls, uid);
        var data = RandomNumberGenerator.GetBytes(50);
        var hmac = Parameters(algorithm: CryptographicAlgorithm.HMAC_SHA256);
        var mac = await CallAsync(tls, KmipVersion.V1_4, Operation.MAC, Payload(Uid(uid), hmac, TtlvElement.Bytes(Tag.Data, data)));
        Assert.True(mac.Status() == ResultStatus.Success, mac.Message());
        var expected = HMACSHA256.HashData(key, data);
        Assert.Equal(expected, mac.Bytes(Tag.MACData));
        var verify = await CallAsync(tls, KmipVersion.V1_4, Operation.MACVerify, Payload(Uid(uid), hmac, TtlvElement.Bytes(Tag.Data, data), TtlvElement.Bytes(Tag.MACData, expected)));
        Assert.Equal(ValidityIndicator.Valid, (ValidityIndicator)verify.Find(Tag.ResponsePayload)!.Find(Tag.ValidityIndicator)!.AsEnum());
        expected[0] ^= 1;
        var tampered = await CallAsync(tls, KmipVersion.V1_4, Operation.MACVerify, Payload(Uid(uid), hmac, TtlvElement.Bytes(Tag.Data, data), TtlvElement.Bytes(Tag.MACData, expected)));
        Assert.Equal(ValidityIndicator.Invalid, (ValidityIndicator)tampered.Find(Tag.ResponsePayload)!.Find(Tag.ValidityIndicator)!.AsEnum());
        // Without HMAC named, an AES key MACs with CMAC as before.
        var cmac = await CallAsync(tls, KmipVersion.V1_4, Operation.MAC, Payload(Uid(uid), TtlvElement.Bytes(Tag.Data, data)));
        Assert.Equal(HsmKmip.Tests.Crypto.LocalAes.Cmac(key, data), cmac.Bytes(Tag.MACData));
    }

    [Fact]
    public async Task Hmac_on_an_aes_key_whose_mask_lacks_mac_generate_is_refused()
    {
        await using var tls = await Server.ConnectAsync(Server.ClientCertificate());
        var uid = await CreateAsync(tls, CryptographicAlgorithm.AES, 128);
        var mac = await CallAsync(tls, KmipVersion.V2_0, Operation.MAC, Payload(Uid(uid), Parameters(algorithm: CryptographicAlgorithm.HMAC_SHA256), TtlvElement.Bytes(Tag.Data, new byte[16])));
        Assert.Equal(ResultReason.IncompatibleCryptographicUsageMask, mac.Reason());
    }

    [Fact]
    public async Task Hmac_with_a_short_sensitive_aes_key_is_refused_because_the_key_would_leave_the_hsm()
    {
        await using var tls = await Server.ConnectAsync(Server.ClientCertificate());
        var uid = await CreateAsync(tls, CryptographicAlgorithm.AES, 128, CryptographicUsageMask.MACGenerate);
        Assert.Equal(ResultStatus.Success, (await CallAsync(tls, KmipVersion.V1_4, Operation.ModifyAttribute, Payload(Uid(uid), Attr("Sensitive", TtlvElement.Boolean(Tag.AttributeValue, true))))).Status());
        var mac = await CallAsync(tls, KmipVersion.V1_4, Operation.MAC, Payload(Uid(uid), Parameters(algorithm: CryptographicAlgorithm.HMAC_SHA256), TtlvElement.Bytes(Tag.Data, new byte[16])));
        Assert.Equal(ResultReason.FeatureNotSupported, mac.Reason());
        Assert.Contains("sensitive or non-extractable", mac.Message(), StringComparison.Ordinal);
        // CMAC stays inside the token and works.
        var cmac = await CallAsync(tls, KmipVersion.V1_4, Operation.MAC, Payload(Uid(uid), TtlvElement.Bytes(Tag.Data, new byte[16])));
        Assert.Equal(ResultStatus.Success, cmac.Status());
    }

    [Theory]
    [InlineData(1)]
    [InlineData(32)]
    public async Task A_gcm_tag_length_no_gcm_has_is_a_general_failure_as_the_oasis_case_expects(int tagLength)
    {
        await using var tls = await Server.ConnectAsync(Server.ClientCertificate());
        var uid = await CreateAsync(tls);
        var key = await MaterialAsync(tls, uid);
        var iv = RandomNumberGenerator.GetBytes(12);
        var data = RandomNumberGenerator.GetBytes(20);
        var bad = await CallAsync(tls, KmipVersion.V1_4, Operation.Encrypt, Payload(Uid(uid), Parameters(BlockCipherMode.GCM, tagLength: tagLength),
            TtlvElement.Bytes(Tag.Data, data), TtlvElement.Bytes(Tag.IVCounterNonce, iv)));
        Assert.Equal(ResultReason.GeneralFailure, bad.Reason());
        Assert.Contains("Tag Length", bad.Message(), StringComparison.Ordinal);
        var good = await CallAsync(tls, KmipVersion.V1_4, Operation.Encrypt, Payload(Uid(uid), Parameters(BlockCipherMode.GCM, tagLength: 12),
            TtlvElement.Bytes(Tag.Data, data), TtlvElement.Bytes(Tag.IVCounterNonce, iv)));
        using var gcm = new AesGcm(key, 12);
        var plain = new byte[data.Length];
        gcm.Decrypt(iv, good.Bytes(Tag.Data), good.Bytes(Tag.AuthenticatedEncryptionTag), plain);
        Assert.Equal(data, plain);
    }
}
