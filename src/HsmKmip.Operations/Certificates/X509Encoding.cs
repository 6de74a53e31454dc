using System.Formats.Asn1;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using HsmKmip.Core.Keys;
using HsmKmip.Protocol.Vocabulary;

namespace HsmKmip.Operations.Certificates;

/// <summary>What goes into one certificate (RFC 5280 §4.1), everything DER-encoded already but the dates.</summary>
/// <param name="Serial">The serial number: positive, at most 20 octets (§4.1.2.2).</param>
/// <param name="Issuer">The issuer Name (the issuer certificate's subject, or the subject when self-signed).</param>
/// <param name="NotBefore">Start of the validity period.</param>
/// <param name="NotAfter">End of the validity period.</param>
/// <param name="Subject">The subject Name.</param>
/// <param name="SubjectPublicKeyInfo">The certified public key.</param>
/// <param name="Extensions">The extensions, in order.</param>
internal sealed record TbsCertificate(byte[] Serial, byte[] Issuer, DateTimeOffset NotBefore, DateTimeOffset NotAfter, byte[] Subject,
    byte[] SubjectPublicKeyInfo, IReadOnlyList<X509Extension> Extensions);

/// <summary>
/// DER of X.509 v3 certificates (RFC 5280 §4.1): the TBSCertificate the HSM signs and the certificate around it.
/// Encodings only; the signature comes from the token.
/// </summary>
internal static class X509Encoding
{
    /// <summary>The signatureAlgorithm AlgorithmIdentifier for a scheme (RFC 4055 §5, RFC 5758 §3.2, RFC 8410 §3).</summary>
    public static byte[] AlgorithmIdentifier(SignatureScheme scheme)
    {
        var (oid, nullParameters) = (scheme.Kind, scheme.Hash) switch
        {
            (SignatureKind.RsaPkcs1, DigestAlgorithm.Sha1) => ("1.2.840.113549.1.1.5", true),
            (SignatureKind.RsaPkcs1, DigestAlgorithm.Sha224) => ("1.2.840.113549.1.1.14", true),
            (SignatureKind.RsaPkcs1, DigestAlgorithm.Sha256) => ("1.2.840.113549.1.1.11", true),
            (SignatureKind.RsaPkcs1, DigestAlgorithm.Sha384) => ("1.2.840.113549.1.1.12", true),
            (SignatureKind.RsaPkcs1, DigestAlgorithm.Sha512) => ("1.2.840.113549.1.1.13", true),
            (SignatureKind.Ecdsa, DigestAlgorithm.Sha1) => ("1.2.840.10045.4.1", false),
            (SignatureKind.Ecdsa, DigestAlgorithm.Sha224) => ("1.2.840.10045.4.3.1", false),
            (SignatureKind.Ecdsa, DigestAlgorithm.Sha256) => ("1.2.840.10045.4.3.2", false),
            (SignatureKind.Ecdsa, DigestAlgorithm.Sha384) => ("1.2.840.10045.4.3.3", false),
            (SignatureKind.Ecdsa, DigestAlgorithm.Sha512) => ("1.2.840.10045.4.3.4", false),
            (SignatureKind.EdDsa, _) => ("1.3.101.112", false),
            _ => throw new ArgumentOutOfRangeException(nameof(scheme), scheme, "No X.509 signature algorithm for this scheme."),
        };
        var writer = new AsnWriter(AsnEncodingRules.DER);
        using (writer.PushSequence())
        {
            writer.WriteObjectIdentifier(oid);
            if (nullParameters) writer.WriteNull();
        }
        return writer.Encode();
    }

    /// <summary>The Digital Signature Algorithm attribute value (KMIP 1.4 §3.16) of a scheme, when KMIP names it.</summary>
    public static DigitalSignatureAlgorithm? KmipAlgorithm(string signatureAlgorithmOid) => signatureAlgorithmOid switch
    {
        "1.2.840.113549.1.1.5" => DigitalSignatureAlgorithm.SHA_1WithRSAEncryption,
        "1.2.840.113549.1.1.14" => DigitalSignatureAlgorithm.SHA_224WithRSAEncryption,
        "1.2.840.113549.1.1.11" => DigitalSignatureAlgorithm.SHA_256WithRSAEncryption,
        "1.2.840.113549.1.1.12" => DigitalSignatureAlgorithm.SHA_384WithRSAEncryption,
        "1.2.840.113549.1.1.13" => DigitalSignatureAlgorithm.SHA_512WithRSAEncryption,
        "1.2.840.113549.1.1.10" => DigitalSignatureAlgorithm.RSASSA_PSS,
        "1.2.840.10045.4.1" => DigitalSignatureAlgorithm.ECDSAWithSHA_1,
        "1.2.840.10045.4.3.1" => DigitalSignatureAlgorithm.ECDSAWithSHA224,
        "1.2.840.10045.4.3.2" => DigitalSignatureAlgorithm.ECDSAWithSHA256,
        "1.2.840.10045.4.3.3" => DigitalSignatureAlgorithm.ECDSAWithSHA384,
        "1.2.840.10045.4.3.4" => DigitalSignatureAlgorithm.ECDSAWithSHA512,
        _ => null,
    };

    /// <summary>TBSCertificate (RFC 5280 §4.1.2): the bytes the issuer's key signs.</summary>
    public static byte[] Tbs(TbsCertificate tbs, byte[] algorithmIdentifier)
    {
        var writer = new AsnWriter(AsnEncodingRules.DER);
        using (writer.PushSequence())
        {
            using (writer.PushSequence(new Asn1Tag(TagClass.ContextSpecific, 0)))
            {
                writer.WriteInteger(2); // v3
            }
            writer.WriteIntegerUnsigned(tbs.Serial);
            writer.WriteEncodedValue(algorithmIdentifier);
            writer.WriteEncodedValue(tbs.Issuer);
            using (writer.PushSequence())
            {
                WriteTime(writer, tbs.NotBefore);
                WriteTime(writer, tbs.NotAfter);
            }
            writer.WriteEncodedValue(tbs.Subject);
            writer.WriteEncodedValue(tbs.SubjectPublicKeyInfo);
            if (tbs.Extensions.Count > 0)
            {
                using (writer.PushSequence(new Asn1Tag(TagClass.ContextSpecific, 3)))
                using (writer.PushSequence())
                {
                    foreach (var extension in tbs.Extensions)
                    {
                        using (writer.PushSequence())
                        {
                            writer.WriteObjectIdentifier(extension.Oid!.Value!);
                            if (extension.Critical) writer.WriteBoolean(true);
                            writer.WriteOctetString(extension.RawData);
                        }
                    }
                }
            }
        }
        return writer.Encode();
    }

    /// <summary>Certificate (RFC 5280 §4.1.1): TBSCertificate, signatureAlgorithm, signatureValue.</summary>
    public static byte[] Certificate(byte[] tbs, byte[] algorithmIdentifier, byte[] signature)
    {
        var writer = new AsnWriter(AsnEncodingRules.DER);
        using (writer.PushSequence())
        {
            writer.WriteEncodedValue(tbs);
            writer.WriteEncodedValue(algorithmIdentifier);
            writer.WriteBitString(signature);
        }
        return writer.Encode();
    }

    /// <summary>UTCTime through 2049, GeneralizedTime from 2050 (RFC 5280 §4.1.2.5), whole seconds.</summary>
    private static void WriteTime(AsnWriter writer, DateTimeOffset time)
    {
        var utc = DateTimeOffset.FromUnixTimeSeconds(time.ToUnixTimeSeconds());
        if (utc.Year is >= 1950 and < 2050) writer.WriteUtcTime(utc);
        else writer.WriteGeneralizedTime(utc, omitFractionalSeconds: true);
    }

    /// <summary>The key identifier of RFC 5280 §4.2.1.2 method (1): SHA-1 of the subjectPublicKey BIT STRING's bytes.</summary>
    public static byte[] KeyIdentifier(ReadOnlyMemory<byte> subjectPublicKeyInfo)
    {
        var spki = new AsnReader(subjectPublicKeyInfo, AsnEncodingRules.DER).ReadSequence();
        spki.ReadSequence(); // algorithm
        var key = spki.ReadBitString(out _);
        return SHA1.HashData(key);
    }

    /// <summary>The subject key identifier of a certificate: its extension, else computed from its key.</summary>
    public static byte[] SubjectKeyIdentifierOf(X509Certificate2 certificate) =>
        certificate.Extensions.OfType<X509SubjectKeyIdentifierExtension>().FirstOrDefault()?.SubjectKeyIdentifierBytes.ToArray()
            ?? KeyIdentifier(certificate.PublicKey.ExportSubjectPublicKeyInfo());

    /// <summary>True when two SubjectPublicKeyInfo encodings hold the same key (compared by key identifier, in constant time).</summary>
    internal static bool SameKey(byte[] a, byte[] b) => CryptographicOperations.FixedTimeEquals(KeyIdentifier(a), KeyIdentifier(b));
}
