using System.Security.Cryptography;

namespace HsmKmip.Operations.Objects;

/// <summary>
/// The Split Key Methods this server offers (KMIP 1.4 §2.2.5, §9.1.3.2.25): XOR (every part needed) and Polynomial Sharing
/// GF(2^8) — Shamir's scheme byte by byte over the AES field (x^8 + x^4 + x^3 + x + 1), part i holding f(i) for
/// i = 1..n. PKCS#11 has no secret-sharing mechanism, so the arithmetic runs here on a key unwrapped for this request
/// only; the randomness comes from the token's generator, and the caller zeroes every buffer.
/// </summary>
public static class SecretSharing
{
    /// <summary>
    /// Splits <paramref name="secret"/> into <paramref name="parts"/> shares. <paramref name="random"/> supplies
    /// (threshold − 1) × length bytes for GF(2^8), (parts − 1) × length for XOR; it is zeroed here.
    /// </summary>
    public static byte[][] Split(ReadOnlySpan<byte> secret, int parts, int threshold, bool xor, Span<byte> random)
    {
        var shares = new byte[parts][];
        for (int i = 0; i < parts; i++) shares[i] = new byte[secret.Length];
        if (xor)
        {
            // Parts 1..n-1 are random; part n makes the XOR of all come to the secret.
            secret.CopyTo(shares[parts - 1]);
            for (int i = 0; i < parts - 1; i++)
            {
                random.Slice(i * secret.Length, secret.Length).CopyTo(shares[i]);
                for (int b = 0; b < secret.Length; b++) shares[parts - 1][b] ^= shares[i][b];
            }
        }
        else
        {
            for (int b = 0; b < secret.Length; b++)
            {
                for (int i = 0; i < parts; i++)
                {
                    // Horner's rule for f(x) = s + c1·x + … + c(t-1)·x^(t-1) at x = i + 1.
                    byte x = (byte)(i + 1), y = 0;
                    for (int c = threshold - 1; c >= 1; c--) y = (byte)(Multiply(y, x) ^ random[(c - 1) * secret.Length + b]);
                    shares[i][b] = (byte)(Multiply(y, x) ^ secret[b]);
                }
            }
        }
        CryptographicOperations.ZeroMemory(random);
        return shares;
    }

    /// <summary>Joins shares (Key Part Identifiers <paramref name="ids"/>, 1..255) back into the secret: XOR of all, or Lagrange at 0.</summary>
    public static byte[] Join(IReadOnlyList<byte[]> shares, IReadOnlyList<int> ids, bool xor)
    {
        var secret = new byte[shares[0].Length];
        for (int i = 0; i < shares.Count; i++)
        {
            byte weight = 1;
            if (!xor)
            {
                // Lagrange basis at 0 in characteristic 2: Π x_j / (x_j + x_i).
                for (int j = 0; j < shares.Count; j++)
                {
                    if (j != i) weight = Multiply(weight, Multiply((byte)ids[j], Inverse((byte)(ids[j] ^ ids[i]))));
                }
            }
            for (int b = 0; b < secret.Length; b++) secret[b] ^= Multiply(shares[i][b], weight);
        }
        return secret;
    }

    /// <summary>Multiplication in GF(2^8) modulo x^8 + x^4 + x^3 + x + 1 (constant time in the operands).</summary>
    internal static byte Multiply(byte a, byte b)
    {
        int product = 0, x = a;
        for (int bit = 0; bit < 8; bit++)
        {
            product ^= x & -((b >> bit) & 1);
            x = (x << 1) ^ (0x11B & -((x >> 7) & 1));
        }
        return (byte)product;
    }

    /// <summary>a^254 = a^-1 for a ≠ 0.</summary>
    private static byte Inverse(byte a)
    {
        byte result = 1, power = a;
        for (int e = 254; e > 0; e >>= 1)
        {
            if ((e & 1) != 0) result = Multiply(result, power);
            power = Multiply(power, power);
        }
        return result;
    }
}
