using System.Security.Cryptography;
using HsmKmip.Core.Keys;
using Xunit;

namespace HsmKmip.Hsm.Pkcs11.Tests;

/// <summary>
/// The adapter's services on opencryptoki's swtok, the cases SymmetricTests, AsymmetricTests and OaepTests run on
/// SoftHSM2: what the token has is checked against .NET, what it lacks answers Not Supported with a client sentence
/// naming the missing mechanism (Feature Not Supported on the wire), before the token is asked.
/// </summary>
[Collection(SoftHsmCollection.Name)]
public sealed class OpencryptokiFeatureTests(OpencryptokiFixture ock)
{
    private async Task<(KeyReference Key, byte[] Material)> KeyAsync(SecretKeyKind kind, int length)
    {
        var material = RandomNumberGenerator.GetBytes(length);
        var id = Guid.NewGuid().ToString();
        var wrapped = await ock.Backend.BindAsync(await ock.Backend.WrapSecretAsync(kind, material, default), id, default);
        return (new KeyReference(id, 1, wrapped), material);
    }

    [Theory]
    [InlineData(0)]
    [InlineData(15)]
    [InlineData(100)]
    public async Task Aes_cbc_pkcs5_matches_dotnet_both_ways(int length)
    {
        var (key, material) = await KeyAsync(SecretKeyKind.Aes, 32);
        var iv = RandomNumberGenerator.GetBytes(16);
        var data = RandomNumberGenerator.GetBytes(length);
        var spec = new CipherSpec(SymmetricMode.Cbc, Pad: true, Iv: iv);
        using var aes = Aes.Create();
        aes.Key = material;
        Assert.Equal(aes.EncryptCbc(data, iv, PaddingMode.PKCS7), await ock.Backend.EncryptAsync(key, spec, data, default));
        Assert.Equal(data, await ock.Backend.DecryptAsync(key, spec, aes.EncryptCbc(data, iv, PaddingMode.PKCS7), default));
        Assert.Equal(aes.EncryptEcb(data[..0], PaddingMode.PKCS7), await ock.Backend.EncryptAsync(key, new CipherSpec(SymmetricMode.Ecb, Pad: true), data[..0], default));
    }

    [Fact]
    public async Task Hmac_sha256_matches_dotnet_and_verifies()
    {
        var (key, material) = await KeyAsync(SecretKeyKind.HmacSha256, 32);
        var data = RandomNumberGenerator.GetBytes(77);
        var mac = await ock.Backend.MacAsync(key, MacAlgorithm.HmacSha256, data, default);
        Assert.Equal(HMACSHA256.HashData(material, data), mac);
        Assert.True(await ock.Backend.VerifyMacAsync(key, MacAlgorithm.HmacSha256, data, mac, default));
    }

    [Fact]
    public async Task Rsa_oaep_sha1_and_pkcs1_signatures_over_a_digest_work_and_verify_with_dotnet()
    {
        var pair = await ock.Backend.GenerateKeyPairAsync(KeyPairSpec.Rsa(2048), default);
        var key = new KeyReference("rsa-2", 1, await ock.Backend.BindAsync(pair.Private, "rsa-2", default));
        using var rsa = RSA.Create();
        rsa.ImportSubjectPublicKeyInfo(pair.SubjectPublicKeyInfo, out _);
        var message = RandomNumberGenerator.GetBytes(40);
        using var plain = await ock.Backend.RsaDecryptAsync(key, new RsaPadding(true, DigestAlgorithm.Sha1), rsa.Encrypt(message, RSAEncryptionPadding.OaepSHA1), default);
        Assert.Equal(message, plain.Span.ToArray());
        var digest = SHA256.HashData(message);
        var signature = await ock.Backend.SignAsync(key, new SignatureScheme(SignatureKind.RsaPkcs1, DigestAlgorithm.Sha256), digest, digested: true, default);
        Assert.True(rsa.VerifyHash(digest, signature, HashAlgorithmName.SHA256, RSASignaturePadding.Pkcs1));
    }

    public static TheoryData<string, string> Missing => new()
    {
        { "gcm", "CKM_AES_GCM (0x1087)" },
        { "ctr", "CKM_AES_CTR (0x1086)" },
        { "nist-key-wrap", "CKM_AES_KEY_WRAP (0x2109)" },
        { "cmac", "CKM_AES_CMAC (0x108A)" },
        { "ec", "CKM_EC_KEY_PAIR_GEN (0x1040)" },
        { "ed25519", "CKM_EC_EDWARDS_KEY_PAIR_GEN (0x1055)" },
        { "sha256-rsa-pkcs", "CKM_SHA256_RSA_PKCS (0x40)" },
        { "client-wrap-3394", "CKM_AES_KEY_WRAP (0x2109)" },
        { "client-wrap-5649", "CKM_AES_KEY_WRAP_PAD (0x210A) or CKM_AES_KEY_WRAP_KWP (0x210B)" },
    };

    [Theory]
    [MemberData(nameof(Missing))]
    public async Task What_the_token_lacks_is_not_supported_naming_the_mechanism(string feature, string mechanism)
    {
        var (aes, _) = await KeyAsync(SecretKeyKind.Aes, 32);
        var data = new byte[32];
        Func<Task> call = feature switch
        {
            "gcm" => async () => await ock.Backend.EncryptAsync(aes, new CipherSpec(SymmetricMode.Gcm, Iv: new byte[12]), data, default),
            "ctr" => async () => await ock.Backend.EncryptAsync(aes, new CipherSpec(SymmetricMode.Ctr, Iv: new byte[16]), data, default),
            "nist-key-wrap" => async () => await ock.Backend.EncryptAsync(aes, new CipherSpec(SymmetricMode.KeyWrap), data, default),
            "cmac" => async () => await ock.Backend.MacAsync(aes, MacAlgorithm.AesCmac, data, default),
            "ec" => async () => await ock.Backend.GenerateKeyPairAsync(KeyPairSpec.Ec(NamedCurve.P256), default),
            "ed25519" => async () => await ock.Backend.GenerateKeyPairAsync(KeyPairSpec.Ec(NamedCurve.Ed25519), default),
            "sha256-rsa-pkcs" => async () =>
            {
                var pair = await ock.Backend.GenerateKeyPairAsync(KeyPairSpec.Rsa(2048), default);
                var rsa = new KeyReference("rsa-3", 1, await ock.Backend.BindAsync(pair.Private, "rsa-3", default));
                await ock.Backend.SignAsync(rsa, new SignatureScheme(SignatureKind.RsaPkcs1, DigestAlgorithm.Sha256), data, digested: false, default);
            },
            "client-wrap-3394" => async () => await ock.Backend.WrapKeyAsync(aes, aes, KeyWrapAlgorithm.AesKeyWrap, default),
            _ => async () => await ock.Backend.WrapKeyAsync(aes, aes, KeyWrapAlgorithm.AesKeyWrapPadded, default),
        };
        var e = await Assert.ThrowsAsync<KeyBackendException>(call);
        Assert.Equal(KeyBackendError.NotSupported, e.Error);
        Assert.NotNull(e.ClientMessage);
        Assert.Contains(mechanism, e.ClientMessage, StringComparison.Ordinal);
        Assert.Contains(mechanism, e.Message, StringComparison.Ordinal);
    }
}
