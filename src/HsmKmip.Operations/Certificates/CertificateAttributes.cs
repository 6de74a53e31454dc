using System.Security.Cryptography.X509Certificates;
using HsmKmip.Core.Keys;
using HsmKmip.Operations.Objects;
using HsmKmip.Protocol.Attributes;
using HsmKmip.Protocol.Vocabulary;
using HsmKmip.Ttlv;

namespace HsmKmip.Operations.Certificates;

/// <summary>
/// The attributes the server derives from an X.509 certificate (KMIP 1.4 §3.8–§3.16): Certificate Type, Certificate
/// Length, the X.509 Certificate Identifier/Subject/Issuer (1.1+, DER names), their 1.0 text forms (Certificate
/// Identifier/Subject/Issuer, sent only to 1.x clients), Digital Signature Algorithm, the certified key's Cryptographic
/// Algorithm and Length, and the Digest over the DER. Each is sent only to clients whose version has it.
/// </summary>
internal static class CertificateAttributes
{
    /// <summary>Names of the attributes <see cref="Of"/> makes: a client's values for them are replaced.</summary>
    public static readonly HashSet<string> Derived = new(StringComparer.Ordinal)
    {
        "Certificate Type", "Certificate Length", "X.509 Certificate Identifier", "X.509 Certificate Subject", "X.509 Certificate Issuer",
        "Certificate Identifier", "Certificate Subject", "Certificate Issuer", "Digital Signature Algorithm", "Cryptographic Algorithm",
        "Cryptographic Length", "Digest",
    };

    public static IEnumerable<KmipAttribute> Of(X509Certificate2 certificate)
    {
        var der = certificate.RawData;
        yield return new("Certificate Type", 0, TtlvElement.Enumeration(Tag.AttributeValue, (uint)CertificateType.X_509));
        yield return new("Certificate Length", 0, TtlvElement.Integer(Tag.AttributeValue, der.Length));
        var serial = certificate.SerialNumberBytes.ToArray(); // big-endian, as in the DER
        yield return new("X.509 Certificate Identifier", 0, TtlvElement.Structure(Tag.AttributeValue,
            TtlvElement.Bytes(Tag.IssuerDistinguishedName, certificate.IssuerName.RawData),
            TtlvElement.Bytes(Tag.CertificateSerialNumber, serial)));
        var san = certificate.Extensions.FirstOrDefault(e => e.Oid?.Value == "2.5.29.17");
        yield return new("X.509 Certificate Subject", 0, TtlvElement.Structure(Tag.AttributeValue,
            TtlvElement.Bytes(Tag.SubjectDistinguishedName, certificate.SubjectName.RawData),
            san is null ? null : TtlvElement.Bytes(Tag.SubjectAlternativeName, san.RawData)));
        var ian = certificate.Extensions.FirstOrDefault(e => e.Oid?.Value == "2.5.29.18");
        yield return new("X.509 Certificate Issuer", 0, TtlvElement.Structure(Tag.AttributeValue,
            TtlvElement.Bytes(Tag.IssuerDistinguishedName, certificate.IssuerName.RawData),
            ian is null ? null : TtlvElement.Bytes(Tag.IssuerAlternativeName, ian.RawData)));
        yield return new("Certificate Identifier", 0, TtlvElement.Structure(Tag.AttributeValue,
            TtlvElement.Text(Tag.Issuer, certificate.Issuer),
            TtlvElement.Text(Tag.SerialNumber, certificate.SerialNumber)));
        yield return new("Certificate Subject", 0, TtlvElement.Structure(Tag.AttributeValue,
            TtlvElement.Text(Tag.CertificateSubjectDistinguishedName, certificate.Subject)));
        yield return new("Certificate Issuer", 0, TtlvElement.Structure(Tag.AttributeValue,
            TtlvElement.Text(Tag.CertificateIssuerDistinguishedName, certificate.Issuer)));
        if (X509Encoding.KmipAlgorithm(certificate.SignatureAlgorithm.Value ?? "") is { } algorithm)
        {
            yield return new("Digital Signature Algorithm", 0, TtlvElement.Enumeration(Tag.AttributeValue, (uint)algorithm));
        }
        if (KeyOf(certificate.PublicKey.ExportSubjectPublicKeyInfo()) is { } key)
        {
            yield return new("Cryptographic Algorithm", 0, TtlvElement.Enumeration(Tag.AttributeValue, (uint)AsymmetricFormats.AlgorithmOf(key.Type)));
            yield return new("Cryptographic Length", 0, TtlvElement.Integer(Tag.AttributeValue, AsymmetricFormats.LengthOf(key)));
        }
        yield return DigestAttribute.Of(der, KeyFormatType.X_509);
    }

    /// <summary>The key in a SubjectPublicKeyInfo, or null for a kind the server does not handle.</summary>
    public static PublicKeyParts? KeyOf(byte[] subjectPublicKeyInfo)
    {
        try
        {
            return AsymmetricKeyEncoding.ReadSubjectPublicKeyInfo(subjectPublicKeyInfo);
        }
        catch (Exception e) when (e is FormatException or System.Formats.Asn1.AsnContentException or ArgumentException)
        {
            return null;
        }
    }
}
