using System.Security.Cryptography;
using HsmKmip.Core.Keys;
using Xunit;

namespace HsmKmip.Hsm.Pkcs11.Tests;

[Collection(SoftHsmCollection.Name)]
public sealed class RoundTripTests(SoftHsmFixture hsm)
{
    public static TheoryData<SecretKeyKind, int> Generated => new()
    {
        { SecretKeyKind.Aes, 128 }, { SecretKeyKind.Aes, 192 }, { SecretKeyKind.Aes, 256 },
        { SecretKeyKind.HmacSha1, 160 }, { SecretKeyKind.HmacSha256, 256 }, { SecretKeyKind.HmacSha384, 384 },
        { SecretKeyKind.HmacSha512, 512 }, { SecretKeyKind.HmacSha256, 8 }, { SecretKeyKind.HmacSha512, 1024 },
        { SecretKeyKind.GenericSecret, 8 }, { SecretKeyKind.GenericSecret, 72 }, { SecretKeyKind.GenericSecret, 768 },
    };

    [Theory]
    [MemberData(nameof(Generated))]
    public async Task Generate_then_unwrap_round_trips_and_differs_between_generations(SecretKeyKind kind, int bits)
    {
        var first = await hsm.Backend.GenerateSecretAsync(kind, bits, default);
        var second = await hsm.Backend.GenerateSecretAsync(kind, bits, default);
        Assert.Equal("AES-KWP", first.WrapAlgorithm);
        Assert.Equal(hsm.Backend.Info.KekId, first.KekId);
        Assert.Equal(bits / 8, first.LengthBytes);
        Assert.Equal(((bits / 8 + 7) / 8 * 8) + 8, first.Blob.Length);

        using var a = await hsm.Backend.UnwrapSecretAsync(first, default);
        using var a2 = await hsm.Backend.UnwrapSecretAsync(first, default);
        using var b = await hsm.Backend.UnwrapSecretAsync(second, default);
        Assert.Equal(bits / 8, a.Length);
        Assert.True(a.Span.SequenceEqual(a2.Span), "unwrapping twice gives the same bytes");
        Assert.False(a.Span.SequenceEqual(b.Span), "two generations differ");
        if (bits >= 32) Assert.False(ContainsSubstring(first.Blob, a.Span.ToArray()), "the blob does not contain the key");

        if (kind == SecretKeyKind.Aes)
        {
            // The unwrapped bytes are a working AES key: the same key encrypts identically, another key does not.
            var plain = new byte[32];
            using var aes1 = Aes.Create();
            aes1.Key = a.Span.ToArray();
            using var aes2 = Aes.Create();
            aes2.Key = a2.Span.ToArray();
            using var aes3 = Aes.Create();
            aes3.Key = b.Span.ToArray();
            Assert.Equal(aes1.EncryptEcb(plain, PaddingMode.None), aes2.EncryptEcb(plain, PaddingMode.None));
            Assert.NotEqual(aes1.EncryptEcb(plain, PaddingMode.None), aes3.EncryptEcb(plain, PaddingMode.None));
        }
        else
        {
            Assert.Equal(HMACSHA256.HashData(a.Span, "x"u8), HMACSHA256.HashData(a2.Span, "x"u8));
        }
    }

    public static TheoryData<SecretKeyKind, int> Registered => new()
    {
        { SecretKeyKind.Aes, 16 }, { SecretKeyKind.Aes, 24 }, { SecretKeyKind.Aes, 32 },
        { SecretKeyKind.HmacSha1, 20 }, { SecretKeyKind.HmacSha256, 32 }, { SecretKeyKind.HmacSha384, 48 },
        { SecretKeyKind.HmacSha512, 64 }, { SecretKeyKind.GenericSecret, 1 }, { SecretKeyKind.GenericSecret, 7 },
        { SecretKeyKind.GenericSecret, 96 }, { SecretKeyKind.GenericSecret, 1000 },
    };

    [Theory]
    [MemberData(nameof(Registered))]
    public async Task WrapSecret_then_unwrap_gives_the_registered_bytes(SecretKeyKind kind, int length)
    {
        var material = RandomNumberGenerator.GetBytes(length);
        var wrapped = await hsm.Backend.WrapSecretAsync(kind, material, default);
        Assert.Equal(length, wrapped.LengthBytes);
        Assert.NotEqual(material, wrapped.Blob);
        if (length >= 4) Assert.False(ContainsSubstring(wrapped.Blob, material.AsSpan(0, Math.Min(length, 8)).ToArray()));
        using var back = await hsm.Backend.UnwrapSecretAsync(wrapped, default);
        Assert.Equal(material, back.Span.ToArray());
    }

    [Fact]
    public async Task Random_bytes_come_from_the_token()
    {
        var a = await hsm.Backend.GenerateRandomAsync(64, default);
        var b = await hsm.Backend.GenerateRandomAsync(64, default);
        Assert.Equal(64, a.Length);
        Assert.NotEqual(a, b);
        Assert.Empty(await hsm.Backend.GenerateRandomAsync(0, default));
        Assert.True(await hsm.Backend.IsHealthyAsync(default));
    }

    [Fact]
    public void Info_names_module_token_kek_and_algorithm()
    {
        var info = hsm.Backend.Info;
        Assert.Equal(hsm.Label, info.TokenLabel);
        Assert.Equal("hsmkmip-kek-1", info.KekId);
        Assert.Equal("AES-KWP", info.WrapAlgorithm);
        Assert.Equal(0x210AUL, hsm.Backend.WrapMechanism);
    }

    /// <summary>Whether any 4-byte window of the plaintext occurs in the blob (a 4-byte match by chance is ~n·m/2^32).</summary>
    internal static bool ContainsSubstring(byte[] blob, byte[] plain)
    {
        int window = Math.Min(4, plain.Length);
        for (int i = 0; i + window <= plain.Length; i++)
        {
            if (blob.AsSpan().IndexOf(plain.AsSpan(i, window)) >= 0) return true;
        }
        return false;
    }
}
