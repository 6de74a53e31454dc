using System.Security.Cryptography.X509Certificates;
using HsmKmip.Core.Keys;
using HsmKmip.Operations.Crypto;
using HsmKmip.Operations.Objects;
using HsmKmip.Protocol.Attributes;
using HsmKmip.Protocol.Messages;
using HsmKmip.Protocol.Vocabulary;
using HsmKmip.Ttlv;
using HsmKmip.Protocol.Payloads;

namespace HsmKmip.Operations.Certificates;

/// <summary>The subject side of a new certificate.</summary>
/// <param name="Subject">Subject Name (DER).</param>
/// <param name="SubjectPublicKeyInfo">The certified key.</param>
/// <param name="SubjectAlternativeName">The subjectAltName extension to carry, if any.</param>
/// <param name="Usage">The key's Cryptographic Usage Mask, if known: it becomes the keyUsage extension.</param>
internal sealed record CertificateSubject(byte[] Subject, byte[] SubjectPublicKeyInfo, X509Extension? SubjectAlternativeName, CryptographicUsageMask? Usage);

/// <summary>
/// Makes a certificate: the TBSCertificate in DER (System.Formats.Asn1) with a serial from the
/// token's generator, the extensions (basicConstraints, keyUsage, subject and authority key identifiers,
/// subjectAltName), and the signature made by the issuer's key inside the HSM.
/// </summary>
internal sealed class CertificateIssuance(ManagedObjects objects, CertificateAuthorityOptions options)
{
    public async ValueTask<X509Certificate2> IssueAsync(Issuer issuer, CertificateSubject subject, DateTimeOffset notBefore, DateTimeOffset? notAfter,
        IReadOnlyList<KmipAttribute> requested, CancellationToken cancellationToken)
    {
        var end = notAfter ?? notBefore + options.DefaultValidity;
        if (issuer.Certificate is { } ca && end > ca.NotAfter) end = ca.NotAfter; // never outlive the issuer (RFC 5280 path validation would refuse it)
        if (end <= notBefore) throw KmipException.InvalidField($"The certificate would end ({end:u}) before it begins ({notBefore:u}).");
        var scheme = Scheme(issuer, requested);
        var algorithm = X509Encoding.AlgorithmIdentifier(scheme);
        var serial = await objects.RandomAsync(16, cancellationToken).ConfigureAwait(false);
        serial[0] &= 0x7F; // positive (RFC 5280 §4.1.2.2)
        if (serial[0] == 0) serial[0] = 1;
        var tbs = X509Encoding.Tbs(new TbsCertificate(serial, issuer.Certificate?.SubjectName.RawData ?? subject.Subject, notBefore, end,
            subject.Subject, subject.SubjectPublicKeyInfo, Extensions(issuer, subject)), algorithm);
        var signature = await objects.SignAsync(issuer.Key, scheme, tbs, digested: false, cancellationToken).ConfigureAwait(false);
        return X509CertificateLoader.LoadCertificate(X509Encoding.Certificate(tbs, algorithm, signature));
    }

    /// <summary>The request's Digital Signature Algorithm, else SHA-256 with RSA (PKCS#1 v1.5), ECDSA with the curve's hash, or Ed25519.</summary>
    private static SignatureScheme Scheme(Issuer issuer, IReadOnlyList<KmipAttribute> requested)
    {
        var type = issuer.PublicKey.Type;
        if (requested.FirstOrDefault(a => a.Name == "Digital Signature Algorithm")?.Value is { } dsa)
        {
            var chosen = AsymmetricParameters.Signature(new CryptographicParameters { DigitalSignatureAlgorithm = (DigitalSignatureAlgorithm)Lenient.Enumeration(dsa, "Digital Signature Algorithm") }, type);
            bool fits = (chosen.Kind, type) is (SignatureKind.RsaPkcs1, AsymmetricKeyType.Rsa) or (SignatureKind.Ecdsa, AsymmetricKeyType.Ec);
            if (chosen.Kind == SignatureKind.RsaPss) throw new KmipException(ResultReason.FeatureNotSupported, "Certificates are signed with RSA PKCS#1 v1.5 or ECDSA here, not RSASSA-PSS.");
            return fits ? chosen : throw KmipException.InvalidField($"The Digital Signature Algorithm does not fit the issuer's {type} key.");
        }
        return issuer.PublicKey switch
        {
            EcPublicParts { Curve: NamedCurve.Ed25519 } => new SignatureScheme(SignatureKind.EdDsa, DigestAlgorithm.Sha512),
            EcPublicParts { Curve: NamedCurve.P384 } => new SignatureScheme(SignatureKind.Ecdsa, DigestAlgorithm.Sha384),
            EcPublicParts { Curve: NamedCurve.P521 } => new SignatureScheme(SignatureKind.Ecdsa, DigestAlgorithm.Sha512),
            EcPublicParts => new SignatureScheme(SignatureKind.Ecdsa, DigestAlgorithm.Sha256),
            _ => new SignatureScheme(SignatureKind.RsaPkcs1, DigestAlgorithm.Sha256),
        };
    }

    /// <summary>
    /// basicConstraints (critical; cA only for a self-signed CA certificate), keyUsage (critical) from the usage mask,
    /// subjectKeyIdentifier, authorityKeyIdentifier (the issuer's key identifier), and the requested subjectAltName.
    /// </summary>
    private static List<X509Extension> Extensions(Issuer issuer, CertificateSubject subject)
    {
        var ski = X509Encoding.KeyIdentifier(subject.SubjectPublicKeyInfo);
        var aki = issuer.Certificate is { } ca ? X509Encoding.SubjectKeyIdentifierOf(ca) : ski;
        var list = new List<X509Extension> { new X509BasicConstraintsExtension(issuer.SelfSigned, false, 0, true) };
        var usage = issuer.SelfSigned ? X509KeyUsageFlags.KeyCertSign | X509KeyUsageFlags.CrlSign | X509KeyUsageFlags.DigitalSignature
            : KeyUsage(subject.Usage, CertificateAttributes.KeyOf(subject.SubjectPublicKeyInfo)?.Type);
        if (usage != X509KeyUsageFlags.None) list.Add(new X509KeyUsageExtension(usage, true));
        list.Add(new X509SubjectKeyIdentifierExtension(ski, false));
        list.Add(X509AuthorityKeyIdentifierExtension.CreateFromSubjectKeyIdentifier(aki));
        if (subject.SubjectAlternativeName is { } san) list.Add(san);
        return list;
    }

    /// <summary>keyUsage from a Cryptographic Usage Mask (KMIP 1.4 §3.19); without one, what the key type usually does.</summary>
    private static X509KeyUsageFlags KeyUsage(CryptographicUsageMask? mask, AsymmetricKeyType? type)
    {
        if (mask is not { } m || m == 0)
        {
            return type == AsymmetricKeyType.Rsa ? X509KeyUsageFlags.DigitalSignature | X509KeyUsageFlags.KeyEncipherment : X509KeyUsageFlags.DigitalSignature;
        }
        var flags = X509KeyUsageFlags.None;
        if ((m & (CryptographicUsageMask.Sign | CryptographicUsageMask.Verify)) != 0) flags |= X509KeyUsageFlags.DigitalSignature;
        if ((m & CryptographicUsageMask.ContentCommitment) != 0) flags |= X509KeyUsageFlags.NonRepudiation;
        if ((m & (CryptographicUsageMask.WrapKey | CryptographicUsageMask.UnwrapKey)) != 0) flags |= X509KeyUsageFlags.KeyEncipherment;
        if ((m & (CryptographicUsageMask.Encrypt | CryptographicUsageMask.Decrypt)) != 0) flags |= X509KeyUsageFlags.DataEncipherment;
        if ((m & CryptographicUsageMask.KeyAgreement) != 0) flags |= X509KeyUsageFlags.KeyAgreement;
        if ((m & CryptographicUsageMask.CertificateSign) != 0) flags |= X509KeyUsageFlags.KeyCertSign;
        if ((m & CryptographicUsageMask.CRLSign) != 0) flags |= X509KeyUsageFlags.CrlSign;
        return flags;
    }
}
