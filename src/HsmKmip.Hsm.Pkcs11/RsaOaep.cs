using System.Security.Cryptography;
using HsmKmip.Core.Keys;

namespace HsmKmip.Hsm.Pkcs11;

/// <summary>
/// EME-OAEP (RFC 8017 §7.1.1 step 2 and §7.1.2 step 3) for tokens whose CKM_RSA_PKCS_OAEP lacks a hash or MGF1 hash:
/// only the encoding runs here; the RSA operation itself (CKM_RSA_X_509) stays inside the token. Decoding checks every
/// condition without data-dependent branches and reports one failure for all of them (no padding oracle, Manger 2001).
/// Every intermediate buffer is zeroed.
/// </summary>
internal static class RsaOaep
{
    /// <summary>Encodes <paramref name="message"/> into a <paramref name="k"/>-byte EM; <paramref name="seed"/> is hLen random bytes.</summary>
    public static byte[] Encode(DigestAlgorithm hash, DigestAlgorithm mgfHash, ReadOnlySpan<byte> label, ReadOnlySpan<byte> message, ReadOnlySpan<byte> seed, int k)
    {
        int hLen = AsymmetricKeyEncoding.DigestLength(hash);
        if (seed.Length != hLen) throw new ArgumentException("The seed is one digest long.", nameof(seed));
        if (message.Length > k - (2 * hLen) - 2) throw new KeyBackendException(KeyBackendError.InvalidInput, $"At most {Math.Max(k - (2 * hLen) - 2, 0)} bytes fit in one RSA block of this key with OAEP {hash}, not {message.Length}.");
        var em = new byte[k];
        var maskedSeed = em.AsSpan(1, hLen);
        var db = em.AsSpan(1 + hLen);
        // DB = lHash || PS || 0x01 || M
        Mgf1.Hash(hash, label, db[..hLen]);
        db[db.Length - message.Length - 1] = 0x01;
        message.CopyTo(db[(db.Length - message.Length)..]);
        seed.CopyTo(maskedSeed);
        Mgf1.Xor(mgfHash, maskedSeed, db);
        Mgf1.Xor(mgfHash, db, maskedSeed);
        return em;
    }

    /// <summary>
    /// Decodes a k-byte EM (overwritten: the caller zeroes it) into the message. Any failure — a non-zero first byte, a
    /// wrong label hash, no 0x01 separator — throws the same <see cref="KeyBackendError.CryptographicFailure"/>.
    /// </summary>
    public static SensitiveBuffer Decode(DigestAlgorithm hash, DigestAlgorithm mgfHash, ReadOnlySpan<byte> label, Span<byte> em)
    {
        int hLen = AsymmetricKeyEncoding.DigestLength(hash);
        if (em.Length < (2 * hLen) + 2) throw DecryptionFailed();
        var seed = em.Slice(1, hLen);
        var db = em[(1 + hLen)..];
        Mgf1.Xor(mgfHash, db, seed);
        Mgf1.Xor(mgfHash, seed, db);
        Span<byte> lHash = stackalloc byte[Mgf1.MaxDigest];
        Mgf1.Hash(hash, label, lHash[..hLen]);
        int bad = em[0];
        for (int i = 0; i < hLen; i++) bad |= db[i] ^ lHash[i];
        CryptographicOperations.ZeroMemory(lHash);
        // Find the 0x01 after the zero padding, looking at every byte whatever was found.
        int looking = -1, index = 0;
        for (int i = hLen; i < db.Length; i++)
        {
            int b = db[i];
            int isZero = IsZero(b);
            int isOne = IsZero(b ^ 1);
            index = (looking & isOne & i) | (~(looking & isOne) & index);
            bad |= looking & ~isZero & ~isOne;
            looking &= ~isOne;
        }
        bad |= looking;
        if (bad != 0) throw DecryptionFailed();
        return SensitiveBuffer.CopyOf(db[(index + 1)..]);
    }

    /// <summary>The one answer for every OAEP decoding failure, whichever check failed.</summary>
    public static KeyBackendException DecryptionFailed(Exception? inner = null) =>
        new(KeyBackendError.CryptographicFailure, "Decryption failed: the data is not a ciphertext of this key with this padding.", inner);

    /// <summary>All ones when <paramref name="value"/> (a byte) is zero, else zero; no branch.</summary>
    private static int IsZero(int value) => (int)(((uint)value - 1) >> 31) * -1;
}
