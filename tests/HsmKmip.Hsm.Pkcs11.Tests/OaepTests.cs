using System.Security.Cryptography;
using HsmKmip.Core.Keys;
using Org.BouncyCastle.Crypto.Digests;
using Org.BouncyCastle.Crypto.Encodings;
using Org.BouncyCastle.Crypto.Engines;
using Org.BouncyCastle.Crypto.Parameters;
using Org.BouncyCastle.Crypto.Signers;
using Org.BouncyCastle.Security;
using Xunit;

namespace HsmKmip.Hsm.Pkcs11.Tests;

/// <summary>
/// RSA-OAEP with every hash and MGF1 hash, and PSS signatures of any salt length: SoftHSM 2.6.1's CKM_RSA_PKCS_OAEP has
/// SHA-1 only, so the others are encoded around the token's raw RSA. Checked against .NET (same MGF1 hash) and
/// BouncyCastle (another MGF1 hash, other salt lengths), both ways.
/// </summary>
[Collection(SoftHsmCollection.Name)]
public sealed class OaepTests(SoftHsmFixture hsm)
{
    private static readonly byte[] Message = "OAEP with any hash, inside the token"u8.ToArray();

    private static KeyReference Ref(WrappedKey key) => new(Guid.NewGuid().ToString(), 1, key);

    public static TheoryData<DigestAlgorithm, string> Hashes => new()
    {
        { DigestAlgorithm.Sha1, "SHA1" }, { DigestAlgorithm.Sha256, "SHA256" }, { DigestAlgorithm.Sha384, "SHA384" }, { DigestAlgorithm.Sha512, "SHA512" },
    };

    [Theory]
    [MemberData(nameof(Hashes))]
    public async Task Oaep_with_each_hash_round_trips_with_dotnet_both_ways(DigestAlgorithm hash, string name)
    {
        using var rsa = RSA.Create(2048);
        var wrapped = await hsm.Backend.ImportPrivateKeyAsync(rsa.ExportPkcs8PrivateKey(), default);
        var padding = new RsaPadding(true, hash);
        var dotnet = RSAEncryptionPadding.CreateOaep(new HashAlgorithmName(name));
        var first = await hsm.Backend.RsaEncryptAsync(rsa.ExportSubjectPublicKeyInfo(), padding, Message, default);
        var second = await hsm.Backend.RsaEncryptAsync(rsa.ExportSubjectPublicKeyInfo(), padding, Message, default);
        Assert.NotEqual(first, second); // a fresh seed each time
        Assert.Equal(Message, rsa.Decrypt(first, dotnet));
        Assert.Equal(Message, rsa.Decrypt(second, dotnet));
        using var plain = await hsm.Backend.RsaDecryptAsync(Ref(wrapped), padding, rsa.Encrypt(Message, dotnet), default);
        Assert.Equal(Message, plain.Span.ToArray());
        // The longest message that fits, and an empty one.
        var longest = RandomNumberGenerator.GetBytes(256 - (2 * AsymmetricKeyEncoding.DigestLength(hash)) - 2);
        Assert.Equal(longest, rsa.Decrypt(await hsm.Backend.RsaEncryptAsync(rsa.ExportSubjectPublicKeyInfo(), padding, longest, default), dotnet));
        using var empty = await hsm.Backend.RsaDecryptAsync(Ref(wrapped), padding, rsa.Encrypt([], dotnet), default);
        Assert.Equal(0, empty.Length);
        var tooLong = await Assert.ThrowsAsync<KeyBackendException>(async () => await hsm.Backend.RsaEncryptAsync(rsa.ExportSubjectPublicKeyInfo(), padding, new byte[longest.Length + 1], default));
        Assert.Equal(KeyBackendError.InvalidInput, tooLong.Error);
    }

    [Theory]
    [InlineData(DigestAlgorithm.Sha384, DigestAlgorithm.Sha256, null)]
    [InlineData(DigestAlgorithm.Sha256, DigestAlgorithm.Sha1, null)]
    [InlineData(DigestAlgorithm.Sha1, DigestAlgorithm.Sha512, null)]
    [InlineData(DigestAlgorithm.Sha384, DigestAlgorithm.Sha256, "Kilroy was here")]
    [InlineData(DigestAlgorithm.Sha1, DigestAlgorithm.Sha1, "a label")]
    public async Task Oaep_with_another_mgf1_hash_or_a_label_round_trips_with_bouncycastle(DigestAlgorithm hash, DigestAlgorithm mgf, string? label)
    {
        using var rsa = RSA.Create(3072);
        var wrapped = await hsm.Backend.ImportPrivateKeyAsync(rsa.ExportPkcs8PrivateKey(), default);
        var labelBytes = label is null ? null : System.Text.Encoding.ASCII.GetBytes(label);
        var padding = new RsaPadding(true, hash, mgf, labelBytes);
        var ciphertext = await hsm.Backend.RsaEncryptAsync(rsa.ExportSubjectPublicKeyInfo(), padding, Message, default);
        Assert.Equal(Message, BouncyOaep(rsa, hash, mgf, labelBytes, forEncryption: false, ciphertext));
        using var plain = await hsm.Backend.RsaDecryptAsync(Ref(wrapped), padding, BouncyOaep(rsa, hash, mgf, labelBytes, forEncryption: true, Message), default);
        Assert.Equal(Message, plain.Span.ToArray());
        // The same ciphertext with the other MGF1 hash, or without its label, does not decode.
        var other = label is null ? new RsaPadding(true, hash) : padding with { Label = default };
        var wrong = await Assert.ThrowsAsync<KeyBackendException>(async () => await hsm.Backend.RsaDecryptAsync(Ref(wrapped), other, ciphertext, default));
        Assert.Equal(KeyBackendError.CryptographicFailure, wrong.Error);
    }

    [Fact]
    public async Task Every_padding_failure_gives_the_same_answer()
    {
        using var rsa = RSA.Create(2048);
        var wrapped = await hsm.Backend.ImportPrivateKeyAsync(rsa.ExportPkcs8PrivateKey(), default);
        var padding = new RsaPadding(true, DigestAlgorithm.Sha256);
        var good = rsa.Encrypt(Message, RSAEncryptionPadding.OaepSHA256);
        var tampered = (byte[])good.Clone();
        tampered[100] ^= 0x40;
        var inputs = new[]
        {
            tampered,                                                   // the label hash or separator breaks
            rsa.Encrypt(Message, RSAEncryptionPadding.OaepSHA384),      // another hash
            rsa.Encrypt(Message, RSAEncryptionPadding.Pkcs1),           // PKCS#1 v1.5: first byte 0x00, then 0x02
            RawRsa(rsa, new byte[256]),                                 // all zeros: no separator
            RawRsa(rsa, [0x01, .. new byte[255]]),                      // first byte not zero
            good[..255],                                                // too short
        };
        var messages = new HashSet<string>(StringComparer.Ordinal);
        foreach (var input in inputs)
        {
            var e = await Assert.ThrowsAsync<KeyBackendException>(async () => await hsm.Backend.RsaDecryptAsync(Ref(wrapped), padding, input, default));
            Assert.Equal(KeyBackendError.CryptographicFailure, e.Error);
            messages.Add(e.Message);
        }
        Assert.Single(messages);
        // SHA-1 goes through the token's own mechanism: its failures read the same.
        var sha1 = await Assert.ThrowsAsync<KeyBackendException>(async () => await hsm.Backend.RsaDecryptAsync(Ref(wrapped), new RsaPadding(true, DigestAlgorithm.Sha1), tampered, default));
        Assert.Equal(messages.Single(), sha1.Message);
        using var plain = await hsm.Backend.RsaDecryptAsync(Ref(wrapped), padding, good, default);
        Assert.Equal(Message, plain.Span.ToArray());
    }

    [Theory]
    [InlineData(0)]
    [InlineData(20)]
    [InlineData(32)]
    [InlineData(222)]
    public async Task Pss_signatures_verify_whatever_their_salt_length(int saltLength)
    {
        using var rsa = RSA.Create(2048);
        var signer = new PssSigner(new RsaBlindedEngine(), new Sha256Digest(), saltLength);
        signer.Init(true, DotNetUtilities.GetRsaKeyPair(rsa).Private);
        signer.BlockUpdate(Message, 0, Message.Length);
        var signature = signer.GenerateSignature();
        var scheme = new SignatureScheme(SignatureKind.RsaPss, DigestAlgorithm.Sha256);
        Assert.True(await hsm.Backend.VerifyAsync(rsa.ExportSubjectPublicKeyInfo(), scheme, Message, false, signature, default));
        Assert.True(await hsm.Backend.VerifyAsync(rsa.ExportSubjectPublicKeyInfo(), scheme, SHA256.HashData(Message), true, signature, default));
        Assert.False(await hsm.Backend.VerifyAsync(rsa.ExportSubjectPublicKeyInfo(), scheme, "another message"u8.ToArray(), false, signature, default));
        // A salt length the client states is held to.
        bool stated = await hsm.Backend.VerifyAsync(rsa.ExportSubjectPublicKeyInfo(), scheme with { SaltLength = saltLength == 32 ? 20 : 32 }, Message, false, signature, default);
        Assert.False(stated);
        signature[^1] ^= 1;
        Assert.False(await hsm.Backend.VerifyAsync(rsa.ExportSubjectPublicKeyInfo(), scheme, Message, false, signature, default));
    }

    private static byte[] RawRsa(RSA rsa, byte[] em)
    {
        var p = rsa.ExportParameters(false);
        var m = new System.Numerics.BigInteger(em, isUnsigned: true, isBigEndian: true);
        var c = System.Numerics.BigInteger.ModPow(m, new System.Numerics.BigInteger(p.Exponent, true, true), new System.Numerics.BigInteger(p.Modulus, true, true));
        var bytes = c.ToByteArray(isUnsigned: true, isBigEndian: true);
        return [.. new byte[p.Modulus!.Length - bytes.Length], .. bytes];
    }

    private static byte[] BouncyOaep(RSA rsa, DigestAlgorithm hash, DigestAlgorithm mgf, byte[]? label, bool forEncryption, byte[] input)
    {
        var oaep = new OaepEncoding(new RsaEngine(), Digest(hash), Digest(mgf), label);
        var keys = DotNetUtilities.GetRsaKeyPair(rsa);
        oaep.Init(forEncryption, forEncryption ? new ParametersWithRandom(keys.Public, new SecureRandom()) : keys.Private);
        return oaep.ProcessBlock(input, 0, input.Length);
    }

    private static Org.BouncyCastle.Crypto.IDigest Digest(DigestAlgorithm hash) => hash switch
    {
        DigestAlgorithm.Sha1 => new Sha1Digest(),
        DigestAlgorithm.Sha256 => new Sha256Digest(),
        DigestAlgorithm.Sha384 => new Sha384Digest(),
        _ => new Sha512Digest(),
    };
}
