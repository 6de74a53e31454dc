using System.Security.Cryptography;
using HsmKmip.Core.Keys;
using HsmKmip.Tests.Crypto;
using Xunit;

namespace HsmKmip.Hsm.Pkcs11.Tests;

/// <summary>Every AES mode computed in SoftHSM and checked against .NET's own AES.</summary>
[Collection(SoftHsmCollection.Name)]
public sealed class SymmetricTests(SoftHsmFixture hsm)
{
    private async Task<(KeyReference Key, byte[] Material)> AesKeyAsync(int bits = 256)
    {
        var wrapped = await hsm.Backend.GenerateSecretAsync(SecretKeyKind.Aes, bits, default);
        using var plain = await hsm.Backend.UnwrapSecretAsync(wrapped, default);
        return (new KeyReference(Guid.NewGuid().ToString(), 1, wrapped), plain.Span.ToArray());
    }

    [Theory]
    [InlineData(0)]
    [InlineData(1)]
    [InlineData(15)]
    [InlineData(16)]
    [InlineData(100)]
    public async Task Cbc_pkcs5_matches_dotnet_both_ways(int length)
    {
        var (key, material) = await AesKeyAsync();
        var iv = RandomNumberGenerator.GetBytes(16);
        var data = RandomNumberGenerator.GetBytes(length);
        var spec = new CipherSpec(SymmetricMode.Cbc, Pad: true, Iv: iv);
        var ciphertext = await hsm.Backend.EncryptAsync(key, spec, data, default);
        using var aes = Aes.Create();
        aes.Key = material;
        Assert.Equal(aes.EncryptCbc(data, iv, PaddingMode.PKCS7), ciphertext);
        var local = aes.EncryptCbc(data, iv, PaddingMode.PKCS7);
        Assert.Equal(data, await hsm.Backend.DecryptAsync(key, spec, local, default));
    }

    [Fact]
    public async Task Cbc_none_ecb_and_ecb_padded_match_dotnet()
    {
        var (key, material) = await AesKeyAsync(128);
        using var aes = Aes.Create();
        aes.Key = material;
        var iv = RandomNumberGenerator.GetBytes(16);
        var data = RandomNumberGenerator.GetBytes(64);
        Assert.Equal(aes.EncryptCbc(data, iv, PaddingMode.None), await hsm.Backend.EncryptAsync(key, new CipherSpec(SymmetricMode.Cbc, false, iv), data, default));
        Assert.Equal(aes.EncryptEcb(data, PaddingMode.None), await hsm.Backend.EncryptAsync(key, new CipherSpec(SymmetricMode.Ecb), data, default));
        var odd = data[..37];
        Assert.Equal(aes.EncryptEcb(odd, PaddingMode.PKCS7), await hsm.Backend.EncryptAsync(key, new CipherSpec(SymmetricMode.Ecb, Pad: true), odd, default));
        Assert.Equal(odd, await hsm.Backend.DecryptAsync(key, new CipherSpec(SymmetricMode.Ecb, Pad: true), aes.EncryptEcb(odd, PaddingMode.PKCS7), default));
    }

    [Fact]
    public async Task Ctr_matches_a_counter_run_through_dotnet_ecb()
    {
        var (key, material) = await AesKeyAsync(192);
        using var aes = Aes.Create();
        aes.Key = material;
        var counter = RandomNumberGenerator.GetBytes(16);
        counter[15] = 0xFE; // the counter carries into the next byte inside the data
        var data = RandomNumberGenerator.GetBytes(53);
        var expected = LocalAes.Ctr(material, counter, data);
        Assert.Equal(expected, await hsm.Backend.EncryptAsync(key, new CipherSpec(SymmetricMode.Ctr, Iv: counter), data, default));
        Assert.Equal(data, await hsm.Backend.DecryptAsync(key, new CipherSpec(SymmetricMode.Ctr, Iv: counter), expected, default));
    }

    [Fact]
    public async Task Gcm_matches_dotnet_and_a_tampered_tag_is_a_cryptographic_failure()
    {
        var (key, material) = await AesKeyAsync();
        var iv = RandomNumberGenerator.GetBytes(12);
        var aad = RandomNumberGenerator.GetBytes(20);
        var data = RandomNumberGenerator.GetBytes(77);
        var spec = new CipherSpec(SymmetricMode.Gcm, Iv: iv, Aad: aad, TagLength: 16);
        var sealedData = await hsm.Backend.EncryptAsync(key, spec, data, default);
        using var gcm = new AesGcm(material, 16);
        var plain = new byte[data.Length];
        gcm.Decrypt(iv, sealedData.AsSpan(0, data.Length), sealedData.AsSpan(data.Length), plain, aad);
        Assert.Equal(data, plain);
        Assert.Equal(data, await hsm.Backend.DecryptAsync(key, spec, sealedData, default));
        sealedData[^1] ^= 1;
        var failure = await Assert.ThrowsAsync<KeyBackendException>(async () => await hsm.Backend.DecryptAsync(key, spec, sealedData, default));
        Assert.Equal(KeyBackendError.CryptographicFailure, failure.Error);
    }

    [Fact]
    public async Task Wrong_padding_is_a_cryptographic_failure()
    {
        var (key, material) = await AesKeyAsync();
        using var aes = Aes.Create();
        aes.Key = material;
        var iv = RandomNumberGenerator.GetBytes(16);
        var bad = aes.EncryptCbc(RandomNumberGenerator.GetBytes(32), iv, PaddingMode.None); // no valid padding (overwhelmingly likely)
        bad[^1] = 0;
        bad = aes.EncryptCbc(aes.DecryptCbc(bad, iv, PaddingMode.None), iv, PaddingMode.None);
        var failure = await Assert.ThrowsAsync<KeyBackendException>(async () => await hsm.Backend.DecryptAsync(key, new CipherSpec(SymmetricMode.Cbc, true, iv), bad, default));
        Assert.Equal(KeyBackendError.CryptographicFailure, failure.Error);
    }

    [Theory]
    [InlineData(16)]
    [InlineData(32)]
    [InlineData(40)]
    public async Task Nist_key_wrap_matches_rfc_3394(int length)
    {
        var (key, material) = await AesKeyAsync();
        var data = RandomNumberGenerator.GetBytes(length);
        var wrapped = await hsm.Backend.EncryptAsync(key, new CipherSpec(SymmetricMode.KeyWrap), data, default);
        Assert.Equal(LocalKeyWrap.Wrap(material, data), wrapped);
        Assert.Equal(data, await hsm.Backend.DecryptAsync(key, new CipherSpec(SymmetricMode.KeyWrap), wrapped, default));
    }

    [Theory]
    [InlineData(1)]
    [InlineData(8)]
    [InlineData(20)]
    [InlineData(31)]
    [InlineData(32)]
    public async Task Key_wrap_with_padding_matches_rfc_5649(int length)
    {
        var (key, material) = await AesKeyAsync();
        var data = RandomNumberGenerator.GetBytes(length);
        data[^1] = 0; // trailing zeros must survive the unwrap
        var wrapped = await hsm.Backend.EncryptAsync(key, new CipherSpec(SymmetricMode.KeyWrapPad), data, default);
        Assert.Equal(LocalKeyWrap.WrapPad(material, data), wrapped);
        Assert.Equal(data, await hsm.Backend.DecryptAsync(key, new CipherSpec(SymmetricMode.KeyWrapPad), wrapped, default));
        wrapped[3] ^= 0x10;
        var failure = await Assert.ThrowsAsync<KeyBackendException>(async () => await hsm.Backend.DecryptAsync(key, new CipherSpec(SymmetricMode.KeyWrapPad), wrapped, default));
        Assert.Equal(KeyBackendError.CryptographicFailure, failure.Error);
    }
}
