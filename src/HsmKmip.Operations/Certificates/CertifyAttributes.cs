using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using HsmKmip.Operations.Objects;
using HsmKmip.Protocol.Attributes;
using HsmKmip.Protocol.Messages;
using HsmKmip.Protocol.Payloads;
using HsmKmip.Protocol.Vocabulary;
using HsmKmip.Ttlv;

namespace HsmKmip.Operations.Certificates;

/// <summary>The attribute side of Certify and Re-certify: what the request may set, the subject it names, and storing the new object.</summary>
internal static class CertifyAttributes
{
    /// <summary>The request's attributes meant for the new certificate (Template-Attribute in 1.x, Attributes in 2.x).</summary>
    public static IReadOnlyList<KmipAttribute> Requested(RequestedAttributes requested)
    {
        ArgumentNullException.ThrowIfNull(requested);
        var attributes = requested.Attributes.ToList();
        AttributeRules.RejectServerOnly(attributes);
        return attributes;
    }

    /// <summary>The subject from the X.509 Certificate Subject (DER names) or the 1.0 Certificate Subject (text) attribute.</summary>
    public static CertificateSubject Subject(IReadOnlyList<KmipAttribute> requested, byte[] spki, CryptographicUsageMask? usage)
    {
        if (requested.FirstOrDefault(a => a.Name == "X.509 Certificate Subject")?.Value is { } x509)
        {
            var dn = x509.Find(Tag.SubjectDistinguishedName) is { Type: TtlvType.ByteString } d ? d.AsBytes().ToArray()
                : throw KmipException.InvalidField("X.509 Certificate Subject needs its Subject Distinguished Name (a DER Byte String).");
            CheckName(() => new X500DistinguishedName(dn), "Subject Distinguished Name is not a DER-encoded X.500 name.");
            var san = x509.Find(Tag.SubjectAlternativeName) is { Type: TtlvType.ByteString } s ? new X509Extension("2.5.29.17", s.AsBytes().ToArray(), false) : null;
            return new CertificateSubject(dn, spki, san, usage);
        }
        if (requested.FirstOrDefault(a => a.Name == "Certificate Subject")?.Value.Find(Tag.CertificateSubjectDistinguishedName) is { Type: TtlvType.TextString } text)
        {
            var name = CheckName(() => new X500DistinguishedName(text.AsText()), $"Certificate Subject Distinguished Name '{text.AsText()}' is not an X.500 name (e.g. \"CN=host, O=Example\").");
            return new CertificateSubject(name.RawData, spki, null, usage);
        }
        throw KmipException.MissingData("Certify of a public key needs its subject: an X.509 Certificate Subject (or Certificate Subject) attribute, or a Certificate Request.");
    }

    private static X500DistinguishedName CheckName(Func<X500DistinguishedName> make, string message)
    {
        try
        {
            var name = make();
            _ = name.Name; // decodes the DER
            return name;
        }
        catch (Exception e) when (e is CryptographicException or ArgumentException)
        {
            throw KmipException.InvalidField(message);
        }
    }

    public static DateTimeOffset? DateOf(IReadOnlyList<KmipAttribute> attributes, string name) =>
        attributes.FirstOrDefault(a => a.Name == name && a.Value.Type == TtlvType.DateTime)?.Value.AsDateTime();

    /// <summary>The usage mask the request sets, else the public key's own (null: none).</summary>
    public static CryptographicUsageMask? Usage(ObjectView? publicKey, IReadOnlyList<KmipAttribute> requested) =>
        (requested.FirstOrDefault(a => a.Name == "Cryptographic Usage Mask") ?? publicKey?.Attributes.FirstOrDefault(a => a.Name == "Cryptographic Usage Mask"))?.Value is { Type: TtlvType.Integer } m
            ? (CryptographicUsageMask)m.AsInt32() : null;

    /// <summary>The object's attributes without its Certificate Link to <paramref name="certificateUid"/>.</summary>
    public static List<KmipAttribute> WithoutCertificateLinkTo(IEnumerable<KmipAttribute> attributes, string certificateUid) =>
        attributes.Where(a => !(a.Name == "Link" && ObjectLinks.IsLink(a, LinkType.CertificateLink) && a.Value.Find(Tag.LinkedObjectIdentifier)?.AsText() == certificateUid)).ToList();

    /// <summary>The body the store keeps for a Certificate object.</summary>
    public static byte[] Body(X509Certificate2 certificate) => TtlvWriter.Encode(StoredCertificates.Body(certificate.RawData));

    public static int NextIndex(IEnumerable<KmipAttribute> attributes, string name) =>
        attributes.Where(a => a.Name == name).Select(a => a.Index + 1).DefaultIfEmpty(0).Max();

    /// <summary>
    /// Stores the certificate with the requested attributes (Name, Object Group, dates, custom ones...), those derived
    /// from the certificate, and its links: Public Key Link to the key when stored here, Certificate Link to the
    /// issuer's certificate. Returns the new identifier.
    /// </summary>
    public static ValueTask<string> StoreAsync(ManagedObjects objects, OperationContext context, X509Certificate2 certificate, IEnumerable<KmipAttribute> requested,
        string? publicKeyUid, Issuer issuer, CancellationToken cancellationToken, IEnumerable<KmipAttribute>? extraLinks = null)
    {
        var attributes = requested.Where(a => a.Name is not ("Link" or "Object Type" or "X.509 Certificate Subject" or "Certificate Subject")
            && !CertificateAttributes.Derived.Contains(a.Name) && !CertificateNameAttributes.Names.Contains(a.Name)).ToList();
        attributes.AddRange(CertificateAttributes.Of(certificate));
        attributes.AddRange(CertificateNameAttributes.Of(certificate));
        var links = new List<KmipAttribute>();
        if (publicKeyUid is not null) links.Add(ObjectLinks.Link(LinkType.PublicKeyLink, publicKeyUid));
        if (issuer.CertificateUid is { } issuerUid) links.Add(ObjectLinks.Link(LinkType.CertificateLink, issuerUid));
        links.AddRange(extraLinks ?? []);
        attributes.AddRange(links.Select((l, i) => l with { Index = i }));
        return objects.CreateObjectAsync(context, ObjectType.Certificate, attributes, null, Body(certificate), cancellationToken);
    }
}
