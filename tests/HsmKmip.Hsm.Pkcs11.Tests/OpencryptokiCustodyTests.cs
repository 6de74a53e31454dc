using System.Security.Cryptography;
using HsmKmip.Core.Keys;
using Xunit;

namespace HsmKmip.Hsm.Pkcs11.Tests;

/// <summary>
/// The second custody format on opencryptoki's swtok, which has no AES key wrap: AES-CBC-PAD under the KEK with an
/// HMAC-SHA256 tag from the token over format, KEK version, kind, length, the owning object's identity, IV and
/// ciphertext. Round trips for every secret kind, and every alteration of a stored blob (a flipped bit, another
/// object's record, another kind or length) refused before the token unwraps anything.
/// </summary>
[Collection(SoftHsmCollection.Name)]
public sealed class OpencryptokiCustodyTests(OpencryptokiFixture ock)
{
    public static TheoryData<SecretKeyKind, int> Registered => new()
    {
        { SecretKeyKind.Aes, 16 }, { SecretKeyKind.Aes, 24 }, { SecretKeyKind.Aes, 32 }, { SecretKeyKind.HmacSha1, 20 },
        { SecretKeyKind.HmacSha256, 32 }, { SecretKeyKind.HmacSha512, 64 }, { SecretKeyKind.GenericSecret, 1 },
        { SecretKeyKind.GenericSecret, 7 }, { SecretKeyKind.GenericSecret, 96 },
    };

    [Theory]
    [MemberData(nameof(Registered))]
    public async Task Registered_material_round_trips_in_the_cbc_hmac_layout(SecretKeyKind kind, int length)
    {
        var material = RandomNumberGenerator.GetBytes(length);
        var wrapped = await ock.Backend.WrapSecretAsync(kind, material, default);
        Assert.Equal("AES-CBC-PAD+HMAC-SHA256", wrapped.WrapAlgorithm);
        Assert.Equal(ock.Backend.Info.KekId, wrapped.KekId);
        Assert.Equal(length, wrapped.LengthBytes);
        Assert.Equal(1 + 16 + ((length / 16) + 1) * 16 + 32, wrapped.Blob.Length);
        Assert.Equal(0x01, wrapped.Blob[0]);
        using var value = await ock.Backend.UnwrapSecretAsync(wrapped, default);
        Assert.Equal(material, value.Span.ToArray());

        var bound = await ock.Backend.BindAsync(wrapped, "object-a", default);
        Assert.Equal("object-a", bound.BoundTo);
        Assert.Equal(wrapped.Blob[..^32], bound.Blob[..^32]); // only the tag changes
        using var again = await ock.Backend.UnwrapSecretAsync(bound, default);
        Assert.Equal(material, again.Span.ToArray());
    }

    [Fact]
    public async Task Each_generation_gets_a_fresh_iv_and_the_blob_does_not_hold_the_key()
    {
        var first = await ock.Backend.GenerateSecretAsync(SecretKeyKind.Aes, 256, default);
        var second = await ock.Backend.GenerateSecretAsync(SecretKeyKind.Aes, 256, default);
        Assert.NotEqual(first.Blob[1..17], second.Blob[1..17]);
        using var value = await ock.Backend.UnwrapSecretAsync(first, default);
        Assert.Equal(32, value.Length);
        Assert.False(first.Blob.AsSpan().IndexOf(value.Span) >= 0, "the blob does not contain the key");
        var generated = await ock.Backend.GenerateSecretWithDigestAsync(SecretKeyKind.Aes, 128, default);
        using var plain = await ock.Backend.UnwrapSecretAsync(generated.Wrapped, default);
        Assert.Equal(SHA256.HashData(plain.Span), generated.Sha256);
    }

    [Fact]
    public async Task A_flipped_bit_anywhere_in_the_blob_is_a_corrupt_blob_naming_the_integrity_tag()
    {
        var wrapped = await ock.Backend.BindAsync(await ock.Backend.WrapSecretAsync(SecretKeyKind.Aes, RandomNumberGenerator.GetBytes(32), default), "object-a", default);
        // The format byte, the IV, both ciphertext blocks, the padding block and the tag.
        foreach (var at in new[] { 1, 8, 16, 17, 33, 49, 64, 65, wrapped.Blob.Length - 1 })
        {
            var blob = (byte[])wrapped.Blob.Clone();
            blob[at] ^= 0x01;
            var e = await Assert.ThrowsAsync<KeyBackendException>(async () => (await ock.Backend.UnwrapSecretAsync(wrapped with { Blob = blob }, default)).Dispose());
            Assert.Equal(KeyBackendError.CorruptBlob, e.Error);
            Assert.Contains("integrity tag does not match", e.Message, StringComparison.Ordinal);
        }
        var format = (byte[])wrapped.Blob.Clone();
        format[0] = 0x02;
        var bad = await Assert.ThrowsAsync<KeyBackendException>(async () => (await ock.Backend.UnwrapSecretAsync(wrapped with { Blob = format }, default)).Dispose());
        Assert.Equal(KeyBackendError.CorruptBlob, bad.Error);
    }

    [Fact]
    public async Task A_blob_copied_into_another_objects_record_or_relabelled_does_not_open()
    {
        var a = await ock.Backend.BindAsync(await ock.Backend.WrapSecretAsync(SecretKeyKind.GenericSecret, RandomNumberGenerator.GetBytes(48), default), "object-a", default);
        var b = await ock.Backend.BindAsync(await ock.Backend.WrapSecretAsync(SecretKeyKind.GenericSecret, RandomNumberGenerator.GetBytes(48), default), "object-b", default);
        // What a store reader makes of object b's record holding object a's blob: BoundTo is the record's own key.
        var swapped = a with { BoundTo = "object-b" };
        var e = await Assert.ThrowsAsync<KeyBackendException>(async () => (await ock.Backend.UnwrapSecretAsync(swapped, default)).Dispose());
        Assert.Equal(KeyBackendError.CorruptBlob, e.Error);
        Assert.Contains("object-b", e.Message, StringComparison.Ordinal);
        await Assert.ThrowsAsync<KeyBackendException>(async () => await ock.Backend.VerifyAsync(swapped, default));
        // Read as not bound (the audit key's way), the kind or the length changed in the record: all refused.
        foreach (var altered in new[] { a with { BoundTo = null }, a with { Kind = SecretKeyKind.HmacSha512 }, a with { LengthBytes = 47 } })
        {
            var x = await Assert.ThrowsAsync<KeyBackendException>(async () => (await ock.Backend.UnwrapSecretAsync(altered, default)).Dispose());
            Assert.Equal(KeyBackendError.CorruptBlob, x.Error);
        }
        // Binding re-tags only a blob whose tag holds as it stands.
        var rebind = await Assert.ThrowsAsync<KeyBackendException>(async () => await ock.Backend.BindAsync(swapped, "object-c", default));
        Assert.Equal(KeyBackendError.CorruptBlob, rebind.Error);
        await ock.Backend.VerifyAsync(a, default);
        await ock.Backend.VerifyAsync(b, default);
    }

    [Fact]
    public async Task Rotation_makes_a_mac_key_with_each_kek_rewraps_keeping_the_binding_and_destroys_both_together()
    {
        var prefix = "rot" + Guid.NewGuid().ToString("N")[..8] + "-kek";
        using var backend = Pkcs11KeyBackend.Open(ock.Options(prefix));
        var material = RandomNumberGenerator.GetBytes(32);
        var old = await backend.BindAsync(await backend.WrapSecretAsync(SecretKeyKind.Aes, material, default), "object-r", default);
        Assert.Equal(prefix + "-1", old.KekId);
        var label = await backend.CreateNextKekAsync(default);
        var moved = await backend.RewrapAsync(old, default);
        Assert.Equal(label, moved.KekId);
        Assert.Equal("object-r", moved.BoundTo);
        Assert.Equal("AES-CBC-PAD+HMAC-SHA256", moved.WrapAlgorithm);
        using (var value = await backend.UnwrapSecretAsync(moved, default)) Assert.Equal(material, value.Span.ToArray());
        await Assert.ThrowsAsync<KeyBackendException>(async () => (await backend.UnwrapSecretAsync(moved with { BoundTo = "object-s" }, default)).Dispose());
        // A blob whose record says the old KEK but holds the new one's bytes fails the tag (the KEK version is covered).
        await Assert.ThrowsAsync<KeyBackendException>(async () => (await backend.UnwrapSecretAsync(moved with { KekId = old.KekId }, default)).Dispose());
        await backend.DestroyKekAsync(old.KekId, default);
        var gone = await Assert.ThrowsAsync<KeyBackendException>(async () => (await backend.UnwrapSecretAsync(old, default)).Dispose());
        Assert.Equal(KeyBackendError.CorruptBlob, gone.Error);
        var current = await Assert.ThrowsAsync<KeyBackendException>(async () => await backend.DestroyKekAsync(label, default));
        Assert.Equal(KeyBackendError.InvalidInput, current.Error);
        Assert.Equal([label], (await backend.ListKeksAsync(default)).Select(k => k.Label));
    }

    [Fact]
    public async Task Private_keys_are_kept_in_the_cbc_hmac_format_and_sign_after_an_unwrap()
    {
        var pair = await ock.Backend.GenerateKeyPairAsync(KeyPairSpec.Rsa(2048), default);
        Assert.Equal("AES-CBC-PAD+HMAC-SHA256", pair.Private.WrapAlgorithm);
        Assert.Equal(pair.Private.LengthBytes + 49, pair.Private.Blob.Length);
        var key = new KeyReference("rsa-1", 1, await ock.Backend.BindAsync(pair.Private, "rsa-1", default));
        var scheme = new SignatureScheme(SignatureKind.RsaPss, DigestAlgorithm.Sha256);
        var data = RandomNumberGenerator.GetBytes(100);
        var signature = await ock.Backend.SignAsync(key, scheme, data, digested: false, default);
        using var rsa = RSA.Create();
        rsa.ImportSubjectPublicKeyInfo(pair.SubjectPublicKeyInfo, out _);
        Assert.True(rsa.VerifyData(data, signature, HashAlgorithmName.SHA256, RSASignaturePadding.Pss));
        using var pkcs8 = await ock.Backend.ExportPrivateKeyAsync(key, default);
        using var exported = RSA.Create();
        exported.ImportPkcs8PrivateKey(pkcs8.Span, out _);
        Assert.Equal(rsa.ExportParameters(false).Modulus, exported.ExportParameters(false).Modulus);
    }
}
