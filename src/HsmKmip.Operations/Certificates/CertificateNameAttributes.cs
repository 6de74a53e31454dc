using System.Security.Cryptography.X509Certificates;
using HsmKmip.Protocol.Attributes;
using HsmKmip.Protocol.Vocabulary;
using HsmKmip.Ttlv;

namespace HsmKmip.Operations.Certificates;

/// <summary>
/// The KMIP 2.0 certificate attributes (KMIP 2.0/2.1 §4, "Certificate Subject CN" … "Certificate Issuer DN Qualifier"):
/// one Text String attribute per component of the certificate's subject and issuer names, derived from the DER when a
/// certificate is registered or made (OASIS BL-M-10-21 reads Certificate Subject CN back). They name 2.0 tags, so the
/// one outbound version rule keeps them from 1.x clients; a component that occurs several times (two OUs) gives one
/// instance each, in the order of the name.
/// </summary>
internal static class CertificateNameAttributes
{
    /// <summary>Attribute name suffix by the X.500 attribute type OID (RFC 5280 §4.1.2.4, RFC 4519).</summary>
    private static readonly (string Oid, string Suffix)[] Components =
    [
        ("2.5.4.3", "CN"), ("2.5.4.10", "O"), ("2.5.4.11", "OU"), ("1.2.840.113549.1.9.1", "Email"), ("2.5.4.6", "C"),
        ("2.5.4.8", "ST"), ("2.5.4.7", "L"), ("0.9.2342.19200300.100.1.1", "UID"), ("2.5.4.5", "Serial Number"),
        ("2.5.4.12", "Title"), ("0.9.2342.19200300.100.1.25", "DC"), ("2.5.4.46", "DN Qualifier"),
    ];

    /// <summary>Every name this class derives: a client's values for them give way to the certificate's.</summary>
    public static readonly HashSet<string> Names = new(
        new[] { "Subject", "Issuer" }.SelectMany(side => Components.Select(c => $"Certificate {side} {c.Suffix}")), StringComparer.Ordinal);

    public static IEnumerable<KmipAttribute> Of(X509Certificate2 certificate) =>
        Of("Subject", certificate.SubjectName).Concat(Of("Issuer", certificate.IssuerName));

    private static IEnumerable<KmipAttribute> Of(string side, X500DistinguishedName name)
    {
        var counts = new Dictionary<string, int>(StringComparer.Ordinal);
        foreach (var rdn in name.EnumerateRelativeDistinguishedNames())
        {
            if (rdn.HasMultipleElements) continue; // multi-valued RDNs have no single KMIP component
            var oid = rdn.GetSingleElementType().Value;
            var suffix = Components.FirstOrDefault(c => c.Oid == oid).Suffix;
            if (suffix is null || rdn.GetSingleElementValue() is not { } value) continue;
            var attribute = $"Certificate {side} {suffix}";
            counts.TryGetValue(attribute, out int index);
            counts[attribute] = index + 1;
            yield return new KmipAttribute(attribute, index, TtlvElement.Text(Tag.AttributeValue, value));
        }
    }
}
