using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using HsmKmip.Operations.Objects;
using HsmKmip.Protocol.Messages;
using HsmKmip.Protocol.Payloads;
using HsmKmip.Protocol.Vocabulary;
using HsmKmip.Ttlv;

namespace HsmKmip.Operations.Certificates;

/// <summary>Certificate objects as the store keeps them: the Certificate structure (Certificate Type, Certificate Value).</summary>
internal static class StoredCertificates
{
    /// <summary>The Certificate structure of a new object.</summary>
    public static TtlvElement Body(byte[] der) => TtlvElement.Structure(Tag.Certificate,
        TtlvElement.Enumeration(Tag.CertificateType, (uint)CertificateType.X_509),
        TtlvElement.Bytes(Tag.CertificateValue, der));

    /// <summary>The X.509 certificate of a stored Certificate object.</summary>
    public static X509Certificate2 Parse(ObjectView view)
    {
        var uid = view.Stored.UniqueIdentifier;
        if (view.ObjectType != ObjectType.Certificate || view.Stored.PublicMaterial is not { } material)
        {
            throw KmipException.InvalidField($"'{uid}' is a {view.ObjectType}, not a Certificate.");
        }
        return Parse(TtlvDecoder.Decode(material), $"Certificate '{uid}'");
    }

    /// <summary>The X.509 certificate in a Certificate structure (a stored one or a request's).</summary>
    public static X509Certificate2 Parse(TtlvElement certificate, string what) => Parse(CertificateValue.Read(certificate), what);

    /// <summary>The X.509 certificate of a decoded Certificate structure: only X.509 is supported, the value must be DER.</summary>
    public static X509Certificate2 Parse(CertificateValue certificate, string what)
    {
        ArgumentNullException.ThrowIfNull(certificate);
        if (certificate.Type is { } type && type != CertificateType.X_509)
        {
            throw new KmipException(ResultReason.FeatureNotSupported, $"{what} is not an X.509 certificate; only X.509 is supported.");
        }
        var value = certificate.Value ?? throw KmipException.MissingData($"{what} lacks its Certificate Value (a Byte String).");
        try
        {
            return X509CertificateLoader.LoadCertificate(value);
        }
        catch (CryptographicException)
        {
            throw KmipException.InvalidField($"{what} is not a DER-encoded X.509 certificate.");
        }
    }
}
