using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using HsmKmip.Protocol.Attributes;
using HsmKmip.Protocol.Vocabulary;
using HsmKmip.Ttlv;

namespace HsmKmip.Operations.Certificates;

/// <summary>
/// What Register derives from a client's X.509 certificate (KMIP 2.1 §4 certificate attributes; OASIS BL-M-10-21):
/// Certificate Length (the DER's byte count) and the subject and issuer name components
/// (<see cref="CertificateNameAttributes"/>). They describe the certificate, so a client's own values for them give way.
/// Bytes that are not a certificate keep only what they had before (the Digest): Register stores them as sent.
/// </summary>
internal static class RegisteredCertificates
{
    public static void AddDerived(List<KmipAttribute> attributes, ReadOnlyMemory<byte> der)
    {
        X509Certificate2 certificate;
        try
        {
            certificate = X509CertificateLoader.LoadCertificate(der.Span);
        }
        catch (CryptographicException)
        {
            return;
        }
        using (certificate)
        {
            attributes.RemoveAll(a => a.Name == "Certificate Length" || CertificateNameAttributes.Names.Contains(a.Name));
            attributes.Add(new KmipAttribute("Certificate Length", 0, TtlvElement.Integer(Tag.AttributeValue, der.Length)));
            attributes.AddRange(CertificateNameAttributes.Of(certificate));
        }
    }
}
