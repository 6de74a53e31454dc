using System.Formats.Asn1;

namespace HsmKmip.Core.Keys;

public static partial class AsymmetricKeyEncoding
{
    /// <summary>Reads a SubjectPublicKeyInfo holding an RSA, EC (named curve) or Ed25519 key.</summary>
    public static PublicKeyParts ReadSubjectPublicKeyInfo(ReadOnlyMemory<byte> der)
    {
        var outer = new AsnReader(der, AsnEncodingRules.DER);
        var spki = outer.ReadSequence();
        outer.ThrowIfNotEmpty();
        var algorithm = spki.ReadSequence();
        var oid = algorithm.ReadObjectIdentifier();
        if (!spki.TryReadPrimitiveBitString(out int unused, out var key) || unused != 0) throw new FormatException("The public key is not a whole-byte BIT STRING.");
        spki.ThrowIfNotEmpty();
        return oid switch
        {
            RsaEncryption => ReadRsaPublicKey(key),
            EcPublicKey => new EcPublicParts(CurveOf(algorithm.ReadObjectIdentifier()) ?? throw new FormatException("The EC key's curve is not supported (P-256, P-384, P-521)."), CheckPoint(key)),
            Ed25519Oid => key.Length == 32 ? new EcPublicParts(NamedCurve.Ed25519, key) : throw new FormatException("An Ed25519 public key is 32 bytes."),
            _ => throw new FormatException($"Public keys of algorithm {oid} are not supported (RSA, EC, Ed25519)."),
        };
    }

    /// <summary>Reads a PKCS#1 RSAPublicKey.</summary>
    public static RsaPublicParts ReadRsaPublicKey(ReadOnlyMemory<byte> der)
    {
        var outer = new AsnReader(der, AsnEncodingRules.DER);
        var seq = outer.ReadSequence();
        outer.ThrowIfNotEmpty();
        var parts = new RsaPublicParts(ReadUnsigned(seq), ReadUnsigned(seq));
        seq.ThrowIfNotEmpty();
        return parts;
    }

    /// <summary>Writes SubjectPublicKeyInfo DER.</summary>
    public static byte[] WriteSubjectPublicKeyInfo(PublicKeyParts key)
    {
        var writer = new AsnWriter(AsnEncodingRules.DER);
        using (writer.PushSequence())
        {
            using (writer.PushSequence())
            {
                switch (key)
                {
                    case RsaPublicParts:
                        writer.WriteObjectIdentifier(RsaEncryption);
                        writer.WriteNull();
                        break;
                    case EcPublicParts { Curve: NamedCurve.Ed25519 }:
                        writer.WriteObjectIdentifier(Ed25519Oid);
                        break;
                    case EcPublicParts ec:
                        writer.WriteObjectIdentifier(EcPublicKey);
                        writer.WriteObjectIdentifier(Oid(ec.Curve));
                        break;
                    default:
                        throw new ArgumentException("Unknown key type.", nameof(key));
                }
            }
            writer.WriteBitString(key switch
            {
                RsaPublicParts rsa => WriteRsaPublicKey(rsa),
                EcPublicParts ec => ec.Point.ToArray(),
                _ => [],
            });
        }
        return writer.Encode();
    }

    /// <summary>Writes PKCS#1 RSAPublicKey DER.</summary>
    public static byte[] WriteRsaPublicKey(RsaPublicParts key)
    {
        var writer = new AsnWriter(AsnEncodingRules.DER);
        using (writer.PushSequence())
        {
            WriteUnsigned(writer, key.Modulus.Span);
            WriteUnsigned(writer, key.PublicExponent.Span);
        }
        return writer.Encode();
    }

    /// <summary>The public half of a private key, where the encoding carries it (RSA always; EC when the point was stored).</summary>
    public static PublicKeyParts? PublicOf(PrivateKeyParts key) => key switch
    {
        RsaPrivateParts rsa => new RsaPublicParts(rsa.Modulus, rsa.PublicExponent),
        EcPrivateParts ec when !ec.PublicPoint.IsEmpty => new EcPublicParts(ec.Curve, ec.PublicPoint),
        _ => null,
    };

    private static ReadOnlyMemory<byte> CheckPoint(ReadOnlyMemory<byte> point) =>
        point.Length > 0 && point.Span[0] == 0x04 ? point : throw new FormatException("Only uncompressed EC points (X9.62, 0x04) are supported.");

    /// <summary>X9.62 ECDSA-Sig-Value DER from the PKCS#11 form r‖s (each half the field's length).</summary>
    public static byte[] EcdsaSignatureToDer(ReadOnlySpan<byte> raw)
    {
        if (raw.Length == 0 || raw.Length % 2 != 0) throw new FormatException("An ECDSA signature r‖s has an even length.");
        var writer = new AsnWriter(AsnEncodingRules.DER);
        using (writer.PushSequence())
        {
            WriteUnsigned(writer, raw[..(raw.Length / 2)]);
            WriteUnsigned(writer, raw[(raw.Length / 2)..]);
        }
        return writer.Encode();
    }

    /// <summary>
    /// The PKCS#11 form r‖s of an ECDSA signature given as DER ECDSA-Sig-Value or already as r‖s (2 × field bytes);
    /// null when it is neither, which a verifier reports as Invalid.
    /// </summary>
    public static byte[]? EcdsaSignatureToRaw(ReadOnlyMemory<byte> signature, NamedCurve curve)
    {
        int size = FieldBytes(curve);
        try
        {
            var outer = new AsnReader(signature, AsnEncodingRules.DER);
            var seq = outer.ReadSequence();
            outer.ThrowIfNotEmpty();
            var raw = new byte[2 * size];
            PadLeft(ReadUnsigned(seq).Span, raw.AsSpan(0, size));
            PadLeft(ReadUnsigned(seq).Span, raw.AsSpan(size));
            seq.ThrowIfNotEmpty();
            return raw;
        }
        catch (Exception e) when (e is AsnContentException or FormatException)
        {
            return signature.Length == 2 * size ? signature.ToArray() : null;
        }
    }

    /// <summary>PKCS#1 v1.5 DigestInfo (RFC 8017 §9.2) around a digest, for signing a pre-computed hash with CKM_RSA_PKCS.</summary>
    public static byte[] DigestInfo(DigestAlgorithm hash, ReadOnlySpan<byte> digest)
    {
        if (digest.Length != DigestLength(hash)) throw new FormatException($"A {hash} digest is {DigestLength(hash)} bytes, not {digest.Length}.");
        var writer = new AsnWriter(AsnEncodingRules.DER);
        using (writer.PushSequence())
        {
            using (writer.PushSequence())
            {
                writer.WriteObjectIdentifier(hash switch
                {
                    DigestAlgorithm.Sha1 => "1.3.14.3.2.26",
                    DigestAlgorithm.Sha224 => "2.16.840.1.101.3.4.2.4",
                    DigestAlgorithm.Sha256 => "2.16.840.1.101.3.4.2.1",
                    DigestAlgorithm.Sha384 => "2.16.840.1.101.3.4.2.2",
                    DigestAlgorithm.Sha512 => "2.16.840.1.101.3.4.2.3",
                    _ => throw new ArgumentOutOfRangeException(nameof(hash)),
                });
                writer.WriteNull();
            }
            writer.WriteOctetString(digest);
        }
        return writer.Encode();
    }

    /// <summary>Output length of a hash in bytes.</summary>
    public static int DigestLength(DigestAlgorithm hash) => hash switch
    {
        DigestAlgorithm.Sha1 => 20,
        DigestAlgorithm.Sha224 => 28,
        DigestAlgorithm.Sha256 => 32,
        DigestAlgorithm.Sha384 => 48,
        DigestAlgorithm.Sha512 => 64,
        _ => throw new ArgumentOutOfRangeException(nameof(hash)),
    };
}
