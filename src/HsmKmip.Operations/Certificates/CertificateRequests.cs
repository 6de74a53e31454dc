using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using System.Text;
using HsmKmip.Protocol.Messages;
using HsmKmip.Protocol.Payloads;
using HsmKmip.Protocol.Vocabulary;
using HsmKmip.Ttlv;

namespace HsmKmip.Operations.Certificates;

/// <summary>What the server takes from a certificate request: the subject, its public key, and the alternative names asked for.</summary>
internal sealed record RequestedCertificate(byte[] Subject, byte[] SubjectPublicKeyInfo, X509Extension? SubjectAlternativeName);

/// <summary>
/// The Certificate Request field of Certify and Re-certify (KMIP 1.4 §4.7/§4.8; 2.x Certificate Request Value):
/// PKCS#10 (DER) and PEM (a PKCS#10 request in PEM armour) are read and their self-signature checked (proof that
/// the requester holds the private key; public-key verification, no secret involved); CRMF and PGP are refused.
/// </summary>
internal static class CertificateRequests
{
    /// <summary>The request a payload carried (null: none), checked: a PKCS#10 request (DER or PEM) whose self-signature verifies.</summary>
    public static RequestedCertificate? Read(CertificateRequestValue? value) => value is null ? null : value.Type switch
    {
        CertificateRequestType.PKCS_10 => Pkcs10(value.Value),
        CertificateRequestType.PEM => Pkcs10(FromPem(value.Value)),
        CertificateRequestType.CRMF => throw new KmipException(ResultReason.FeatureNotSupported, "CRMF certificate requests are not supported; send a PKCS#10 request (Certificate Request Type PKCS#10 or PEM)."),
        _ => throw new KmipException(ResultReason.FeatureNotSupported, $"Certificate Request Type {value.Type} is not supported; PKCS#10 and PEM are."),
    };

    private static RequestedCertificate Pkcs10(byte[] der)
    {
        CertificateRequest request;
        try
        {
            request = CertificateRequest.LoadSigningRequest(der, HashAlgorithmName.SHA256, CertificateRequestLoadOptions.SkipSignatureValidation | CertificateRequestLoadOptions.UnsafeLoadCertificateExtensions);
        }
        catch (CryptographicException)
        {
            throw KmipException.InvalidField("The Certificate Request is not a DER-encoded PKCS#10 certification request.");
        }
        try
        {
            CertificateRequest.LoadSigningRequest(der, HashAlgorithmName.SHA256, CertificateRequestLoadOptions.Default);
        }
        catch (CryptographicException)
        {
            throw KmipException.InvalidField("The Certificate Request's signature does not verify with the public key it carries (or uses an algorithm the server cannot check).");
        }
        var san = request.CertificateExtensions.FirstOrDefault(e => e.Oid?.Value == "2.5.29.17");
        return new RequestedCertificate(request.SubjectName.RawData, request.PublicKey.ExportSubjectPublicKeyInfo(),
            san is null ? null : new X509Extension(san.Oid!, san.RawData, critical: false));
    }

    private static byte[] FromPem(byte[] pem)
    {
        var text = Encoding.ASCII.GetString(pem);
        foreach (var label in new[] { "CERTIFICATE REQUEST", "NEW CERTIFICATE REQUEST" })
        {
            var begin = text.IndexOf($"-----BEGIN {label}-----", StringComparison.Ordinal);
            if (begin < 0) continue;
            try
            {
                return PemEncoding.TryFind(text.AsSpan(begin), out var fields) ? Convert.FromBase64String(text.Substring(begin + fields.Base64Data.Start.Value, fields.Base64Data.End.Value - fields.Base64Data.Start.Value))
                    : throw KmipException.InvalidField("The PEM Certificate Request is not well-formed.");
            }
            catch (FormatException)
            {
                throw KmipException.InvalidField("The PEM Certificate Request's base64 body is not valid.");
            }
        }
        throw KmipException.InvalidField("The PEM Certificate Request holds no '-----BEGIN CERTIFICATE REQUEST-----' block.");
    }
}
