using System.Formats.Asn1;

namespace HsmKmip.Core.Keys;

/// <summary>
/// DER encodings of asymmetric keys (PKCS#1 RFC 8017 §A.1, PKCS#8 RFC 5208/5958, SubjectPublicKeyInfo RFC 5280
/// §4.1.2.7, ECPrivateKey RFC 5915, Ed25519 RFC 8410) and of the signature containers (X9.62 ECDSA-Sig-Value, PKCS#1
/// DigestInfo). Encodings only, no cryptography. System.Formats.Asn1 reads integers as slices of the input, so a
/// private key is never copied into objects that cannot be zeroed (BigInteger); private encodings are written
/// into <see cref="SensitiveBuffer"/>s. Bad input throws <see cref="AsnContentException"/> or <see cref="FormatException"/>.
/// </summary>
public static partial class AsymmetricKeyEncoding
{
    private const string RsaEncryption = "1.2.840.113549.1.1.1";
    private const string EcPublicKey = "1.2.840.10045.2.1";
    private const string Ed25519Oid = "1.3.101.112";
    private const string DsaOid = "1.2.840.10040.4.1"; // id-dsa, RFC 3279 §2.3.2

    /// <summary>The curve's object identifier (for Ed25519 the algorithm identifier of RFC 8410).</summary>
    public static string Oid(NamedCurve curve) => curve switch
    {
        NamedCurve.P256 => "1.2.840.10045.3.1.7",
        NamedCurve.P384 => "1.3.132.0.34",
        NamedCurve.P521 => "1.3.132.0.35",
        NamedCurve.Ed25519 => Ed25519Oid,
        _ => throw new ArgumentOutOfRangeException(nameof(curve)),
    };

    /// <summary>The curve an object identifier names, or null.</summary>
    public static NamedCurve? CurveOf(string oid) => oid switch
    {
        "1.2.840.10045.3.1.7" => NamedCurve.P256,
        "1.3.132.0.34" => NamedCurve.P384,
        "1.3.132.0.35" => NamedCurve.P521,
        Ed25519Oid => NamedCurve.Ed25519,
        _ => null,
    };

    /// <summary>Bytes of a field element (and of the private scalar) on the curve.</summary>
    public static int FieldBytes(NamedCurve curve) => curve switch
    {
        NamedCurve.P256 or NamedCurve.Ed25519 => 32,
        NamedCurve.P384 => 48,
        NamedCurve.P521 => 66,
        _ => throw new ArgumentOutOfRangeException(nameof(curve)),
    };

    /// <summary>The curve's size in bits, as KMIP's Cryptographic Length gives it.</summary>
    public static int CurveBits(NamedCurve curve) => curve switch
    {
        NamedCurve.P256 or NamedCurve.Ed25519 => 256,
        NamedCurve.P384 => 384,
        NamedCurve.P521 => 521,
        _ => throw new ArgumentOutOfRangeException(nameof(curve)),
    };

    /// <summary>The DER of the curve's OID (PKCS#11 CKA_EC_PARAMS).</summary>
    public static byte[] CurveParameters(NamedCurve curve)
    {
        var writer = new AsnWriter(AsnEncodingRules.DER);
        writer.WriteObjectIdentifier(Oid(curve));
        return writer.Encode();
    }

    /// <summary>The curve named by a DER OID (PKCS#11 CKA_EC_PARAMS); throws on any other.</summary>
    public static NamedCurve CurveFromParameters(ReadOnlyMemory<byte> parameters)
    {
        var reader = new AsnReader(parameters, AsnEncodingRules.DER);
        var oid = reader.ReadObjectIdentifier();
        reader.ThrowIfNotEmpty();
        return CurveOf(oid) ?? throw new FormatException($"Curve {oid} is not supported.");
    }

    /// <summary>Bit length of an unsigned big-endian integer.</summary>
    public static int BitLength(ReadOnlySpan<byte> value)
    {
        value = TrimZeros(value);
        return value.IsEmpty ? 0 : ((value.Length - 1) * 8) + (32 - System.Numerics.BitOperations.LeadingZeroCount(value[0]));
    }

    /// <summary>Strips the sign byte and other leading zeros of a DER INTEGER's content (keys are positive).</summary>
    public static ReadOnlySpan<byte> TrimZeros(ReadOnlySpan<byte> value)
    {
        int i = 0;
        while (i < value.Length - 1 && value[i] == 0) i++;
        return value[i..];
    }

    private static ReadOnlyMemory<byte> TrimZeros(ReadOnlyMemory<byte> value)
    {
        int i = 0;
        var span = value.Span;
        while (i < span.Length - 1 && span[i] == 0) i++;
        return value[i..];
    }

    private static ReadOnlyMemory<byte> ReadUnsigned(AsnReader reader)
    {
        var value = reader.ReadIntegerBytes();
        if (value.Length > 0 && (value.Span[0] & 0x80) != 0) throw new FormatException("A key component is negative.");
        return TrimZeros(value);
    }

    /// <summary>Writes an unsigned integer without leading zeros (AsnWriter adds the sign byte when needed).</summary>
    private static void WriteUnsigned(AsnWriter writer, ReadOnlySpan<byte> value) => writer.WriteIntegerUnsigned(TrimZeros(value));

    /// <summary>Encodes into a pinned buffer that is zeroed on dispose, and clears the writer's own buffer.</summary>
    private static SensitiveBuffer Seal(AsnWriter writer)
    {
        var buffer = new SensitiveBuffer(writer.GetEncodedLength());
        writer.Encode(buffer.Span);
        writer.Reset();
        return buffer;
    }

    /// <summary>Left-pads an unsigned integer with zeros to fill <paramref name="destination"/>.</summary>
    public static void PadLeft(ReadOnlySpan<byte> value, Span<byte> destination)
    {
        value = TrimZeros(value);
        if (value.Length > destination.Length) throw new FormatException("A value is longer than its field.");
        destination[..^value.Length].Clear();
        value.CopyTo(destination[^value.Length..]);
    }
}
