using HsmKmip.Protocol.Messages;
using HsmKmip.Protocol.Vocabulary;
using HsmKmip.Ttlv;

namespace HsmKmip.Protocol.Payloads;

/// <summary>
/// A certificate request carried in a payload (KMIP 1.4 §4.7 Certificate Request, 2.x Certificate Request Value): its
/// type and bytes. Whether the bytes are a usable request is the operation's call.
/// </summary>
public sealed record CertificateRequestValue(CertificateRequestType Type, byte[] Value)
{
    /// <summary>The request in the payload, or null when there is none; its type is required when it is there.</summary>
    public static CertificateRequestValue? Read(PayloadReader fields)
    {
        var value = fields.Find(Tag.CertificateRequest) ?? fields.Find(Tag.CertificateRequestValue);
        if (value is null) return null;
        if (value.Type != TtlvType.ByteString) throw KmipException.InvalidField("Certificate Request must be a Byte String.");
        var type = fields.Find(Tag.CertificateRequestType) ?? throw KmipException.MissingData("A Certificate Request needs its Certificate Request Type.");
        return new CertificateRequestValue((CertificateRequestType)Lenient.Enumeration(type, "Certificate Request Type"), value.AsBytes().ToArray());
    }
}

/// <summary>
/// Certify request (KMIP 1.4 §4.7, 2.1 §6.1.6): the key (Unique Identifier, or the ID Placeholder when no certificate
/// request is sent), a certificate request, and the new certificate's attributes (no Templates).
/// </summary>
/// <param name="UniqueIdentifier">The key to certify, or null.</param>
/// <param name="NamesRequestObject">True when the request names a stored Certificate Request object (Certificate Request Unique Identifier).</param>
/// <param name="CertificateRequest">The certificate request sent, or null.</param>
/// <param name="Attributes">The new certificate's attributes.</param>
public sealed record CertifyRequest(string? UniqueIdentifier, bool NamesRequestObject, CertificateRequestValue? CertificateRequest, RequestedAttributes Attributes)
    : IKmipRequest<CertifyRequest>, IObjectRequest
{
    public static CertifyRequest Read(TtlvElement? payload, KmipVersion version)
    {
        var fields = new PayloadReader(payload);
        bool namesObject = fields.Has(Tag.CertificateRequestUniqueIdentifier);
        var request = namesObject ? null : CertificateRequestValue.Read(fields);
        return new CertifyRequest(fields.Text(Tag.UniqueIdentifier), namesObject, request,
            namesObject ? new RequestedAttributes([], []) : RequestedAttributes.Read(payload, Tag.TemplateAttribute, Tag.Attributes, version, templates: false));
    }
}

/// <summary>
/// Re-certify request (KMIP 1.4 §4.8, 2.1 §6.1.40): the certificate to renew, a certificate request for the same key,
/// the Offset, and attributes for the new certificate (no Templates).
/// </summary>
public sealed record ReCertifyRequest(string? UniqueIdentifier, CertificateRequestValue? CertificateRequest, uint? Offset, RequestedAttributes Attributes)
    : IKmipRequest<ReCertifyRequest>, IObjectRequest
{
    public static ReCertifyRequest Read(TtlvElement? payload, KmipVersion version)
    {
        var fields = new PayloadReader(payload);
        return new ReCertifyRequest(fields.Text(Tag.UniqueIdentifier), CertificateRequestValue.Read(fields), ReplacementFields.Offset(fields),
            RequestedAttributes.Read(payload, Tag.TemplateAttribute, Tag.Attributes, version, templates: false));
    }
}
