using System.Security.Cryptography;
using HsmKmip.Protocol.Messages;
using HsmKmip.Protocol.Vocabulary;

namespace HsmKmip.Operations.Objects;

/// <summary>
/// The Split Key Methods (KMIP 1.4 §2.2.5, §9.1.3.2.28) this server splits and joins with:
/// <list type="bullet">
/// <item>XOR: every part is needed; parts 1..n−1 are random, part n is the secret XOR all of them.</item>
/// <item>Polynomial Sharing GF(2^8): Shamir's scheme byte by byte over GF(2^8) with the AES field polynomial
/// x^8+x^4+x^3+x+1 (0x11B); part i is the polynomial's value at x = i (its Key Part Identifier); any Split Key
/// Threshold parts give the secret back by Lagrange interpolation at 0.</item>
/// </list>
/// KMIP names no field polynomial for GF(2^16) and the Prime Field method needs big-integer arithmetic whose buffers
/// cannot be zeroed, so those two are refused. Field arithmetic here has no secret-dependent branches or table look-ups.
/// Every buffer the caller gets is its to zero; intermediate ones are zeroed here.
/// </summary>
internal static class SecretSharing
{
    /// <summary>Most parts a GF(2^8) split can have: the non-zero field elements.</summary>
    public const int MaxParts = 255;

    /// <summary>Checks a split request's numbers; throws the KMIP error that says what is wrong.</summary>
    public static void Validate(SplitKeyMethod method, int parts, int threshold)
    {
        switch (method)
        {
            case SplitKeyMethod.XOR:
                if (parts < 2 || parts > MaxParts) throw KmipException.InvalidField($"Split Key Parts must be 2 to {MaxParts}, not {parts}.");
                if (threshold != parts) throw KmipException.InvalidField($"With the XOR method every part is needed: Split Key Threshold must equal Split Key Parts ({parts}), not {threshold}.");
                break;
            case SplitKeyMethod.PolynomialSharingGF2_8:
                if (parts < 2 || parts > MaxParts) throw KmipException.InvalidField($"Split Key Parts must be 2 to {MaxParts}, not {parts}.");
                if (threshold < 2 || threshold > parts) throw KmipException.InvalidField($"Split Key Threshold must be 2 to Split Key Parts ({parts}), not {threshold}.");
                break;
            case SplitKeyMethod.PolynomialSharingGF2_16:
                throw new KmipException(ResultReason.FeatureNotSupported, "Split Key Method Polynomial Sharing GF(2^16) is not offered: KMIP names no field polynomial for it, so parts would not join elsewhere; use Polynomial Sharing GF(2^8) or XOR.");
            case SplitKeyMethod.PolynomialSharingPrimeField:
                throw new KmipException(ResultReason.FeatureNotSupported, "Split Key Method Polynomial Sharing Prime Field is not offered (its big-integer arithmetic cannot zero the key's bytes); use Polynomial Sharing GF(2^8) or XOR.");
            default:
                throw KmipException.InvalidField($"Split Key Method {method} is not a known method.");
        }
    }

    /// <summary>
    /// Splits <paramref name="secret"/> into <paramref name="parts"/> shares, each as long as the secret; share k (0-based)
    /// belongs to Key Part Identifier k+1. <paramref name="random"/> supplies (parts−1 for XOR, threshold−1 for GF(2^8))
    /// × secret length bytes from the token's generator; it is zeroed here.
    /// </summary>
    public static byte[][] Split(SplitKeyMethod method, ReadOnlySpan<byte> secret, int parts, int threshold, Span<byte> random)
    {
        Validate(method, parts, threshold);
        var length = secret.Length;
        var needed = RandomBytesNeeded(method, length, parts, threshold);
        if (random.Length < needed) throw new InvalidOperationException($"Split needs {needed} random bytes, got {random.Length}.");
        var shares = new byte[parts][];
        try
        {
            if (method == SplitKeyMethod.XOR)
            {
                var last = secret.ToArray();
                for (var k = 0; k < parts - 1; k++)
                {
                    shares[k] = random.Slice(k * length, length).ToArray();
                    for (var j = 0; j < length; j++) last[j] ^= shares[k][j];
                }
                shares[parts - 1] = last;
                return shares;
            }
            for (var k = 0; k < parts; k++) shares[k] = new byte[length];
            // Coefficients a1..a(t−1) of byte j are random[(c−1)·length + j]; a0 is the secret's byte j. Horner at x = k+1.
            for (var j = 0; j < length; j++)
            {
                for (var k = 0; k < parts; k++)
                {
                    var x = (byte)(k + 1);
                    byte y = 0;
                    for (var c = threshold - 1; c >= 1; c--) y = (byte)(Gf256.Multiply(y, x) ^ random[(c - 1) * length + j]);
                    shares[k][j] = (byte)(Gf256.Multiply(y, x) ^ secret[j]);
                }
            }
            return shares;
        }
        catch
        {
            foreach (var s in shares) if (s is not null) CryptographicOperations.ZeroMemory(s);
            throw;
        }
        finally
        {
            CryptographicOperations.ZeroMemory(random);
        }
    }

    /// <summary>How many random bytes <see cref="Split"/> needs.</summary>
    public static int RandomBytesNeeded(SplitKeyMethod method, int length, int parts, int threshold) =>
        method == SplitKeyMethod.XOR ? (parts - 1) * length : (threshold - 1) * length;

    /// <summary>
    /// The secret from shares (Key Part Identifier, bytes): all of them for XOR, at least the threshold for GF(2^8)
    /// (the first threshold ones are used). The caller checked count, distinct identifiers and equal lengths.
    /// </summary>
    public static byte[] Join(SplitKeyMethod method, IReadOnlyList<(int Id, byte[] Share)> shares, int threshold)
    {
        var length = shares[0].Share.Length;
        var secret = new byte[length];
        if (method == SplitKeyMethod.XOR)
        {
            foreach (var (_, share) in shares)
            {
                for (var j = 0; j < length; j++) secret[j] ^= share[j];
            }
            return secret;
        }
        var used = shares.Take(threshold).ToArray();
        // Lagrange basis at 0: l_i = Π_{m≠i} x_m / (x_m − x_i); subtraction is XOR in GF(2^8). Identifiers are public.
        var basis = new byte[used.Length];
        for (var i = 0; i < used.Length; i++)
        {
            byte numerator = 1, denominator = 1;
            for (var m = 0; m < used.Length; m++)
            {
                if (m == i) continue;
                numerator = Gf256.Multiply(numerator, (byte)used[m].Id);
                denominator = Gf256.Multiply(denominator, (byte)(used[m].Id ^ used[i].Id));
            }
            basis[i] = Gf256.Multiply(numerator, Gf256.Inverse(denominator));
        }
        for (var j = 0; j < length; j++)
        {
            byte value = 0;
            for (var i = 0; i < used.Length; i++) value ^= Gf256.Multiply(basis[i], used[i].Share[j]);
            secret[j] = value;
        }
        return secret;
    }

    /// <summary>GF(2^8) with the AES polynomial, branch-free on its operands.</summary>
    internal static class Gf256
    {
        public static byte Multiply(byte a, byte b)
        {
            int result = 0, x = a, y = b;
            for (var bit = 0; bit < 8; bit++)
            {
                result ^= x & -(y & 1);
                y >>= 1;
                // x·2 reduced by 0x11B when its top bit was set, without a branch.
                x = ((x << 1) ^ (0x11B & -((x >> 7) & 1))) & 0xFF;
            }
            return (byte)result;
        }

        /// <summary>a^254 = a^−1 for a ≠ 0 (square-and-multiply over a fixed exponent).</summary>
        public static byte Inverse(byte a)
        {
            if (a == 0) throw new ArgumentOutOfRangeException(nameof(a), "0 has no inverse.");
            byte result = 1, power = a;
            for (var e = 254; e > 0; e >>= 1)
            {
                if ((e & 1) != 0) result = Multiply(result, power);
                power = Multiply(power, power);
            }
            return result;
        }
    }
}
