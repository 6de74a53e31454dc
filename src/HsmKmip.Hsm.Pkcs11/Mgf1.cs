using System.Buffers.Binary;
using System.Security.Cryptography;
using HsmKmip.Core.Keys;

namespace HsmKmip.Hsm.Pkcs11;

/// <summary>MGF1 (RFC 8017 §B.2.1) for the OAEP and PSS encodings done around the token's raw RSA; intermediate buffers are zeroed.</summary>
internal static class Mgf1
{
    public const int MaxDigest = 64;

    /// <summary>target ^= MGF1(seed, target.Length).</summary>
    public static void Xor(DigestAlgorithm hash, ReadOnlySpan<byte> seed, Span<byte> target)
    {
        int hLen = AsymmetricKeyEncoding.DigestLength(hash);
        var input = new byte[seed.Length + 4];
        Span<byte> block = stackalloc byte[MaxDigest];
        try
        {
            seed.CopyTo(input);
            for (uint counter = 0; (int)counter * hLen < target.Length; counter++)
            {
                BinaryPrimitives.WriteUInt32BigEndian(input.AsSpan(seed.Length), counter);
                Hash(hash, input, block[..hLen]);
                int done = (int)counter * hLen;
                int n = Math.Min(hLen, target.Length - done);
                for (int i = 0; i < n; i++) target[done + i] ^= block[i];
            }
        }
        finally
        {
            CryptographicOperations.ZeroMemory(input);
            CryptographicOperations.ZeroMemory(block);
        }
    }

    /// <summary>The digest of <paramref name="data"/> (an encoding step: the label hash, MGF1 blocks), never a signature's hash.</summary>
    public static void Hash(DigestAlgorithm hash, ReadOnlySpan<byte> data, Span<byte> destination)
    {
        _ = hash switch
        {
            DigestAlgorithm.Sha1 => SHA1.HashData(data, destination),
            DigestAlgorithm.Sha256 => SHA256.HashData(data, destination),
            DigestAlgorithm.Sha384 => SHA384.HashData(data, destination),
            DigestAlgorithm.Sha512 => SHA512.HashData(data, destination),
            _ => throw new KeyBackendException(KeyBackendError.NotSupported, $"{hash} is not available for OAEP here; SHA-1, SHA-256, SHA-384 and SHA-512 are.")
            {
                ClientMessage = $"RSA-OAEP with {hash} is not supported; SHA-1, SHA-256, SHA-384 and SHA-512 are.",
            },
        };
    }

    /// <summary>
    /// The salt length of a PSS encoding (RFC 8017 §9.1.2 steps 4–10) recovered from the raw RSA result of a signature,
    /// so the token can verify a signature whose salt is not the hash's length; null when it is no PSS encoding.
    /// Public data only: the decision stays with the token's own verification.
    /// </summary>
    public static int? PssSaltLength(DigestAlgorithm hash, int modulusBits, ReadOnlySpan<byte> raw)
    {
        int hLen = AsymmetricKeyEncoding.DigestLength(hash);
        int emBits = modulusBits - 1, emLen = (emBits + 7) / 8;
        if (raw.Length < emLen) return null;
        foreach (var b in raw[..(raw.Length - emLen)]) if (b != 0) return null;
        var em = raw[(raw.Length - emLen)..];
        if (emLen < hLen + 2 || em[^1] != 0xBC) return null;
        var db = em[..(emLen - hLen - 1)].ToArray();
        Xor(hash, em.Slice(emLen - hLen - 1, hLen), db);
        db[0] &= (byte)(0xFF >> ((8 * emLen) - emBits));
        int index = Array.FindIndex(db, b => b != 0);
        return index >= 0 && db[index] == 0x01 ? db.Length - index - 1 : null;
    }
}
