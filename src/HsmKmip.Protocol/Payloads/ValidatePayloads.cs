using HsmKmip.Protocol.Messages;
using HsmKmip.Protocol.Vocabulary;
using HsmKmip.Ttlv;

namespace HsmKmip.Protocol.Payloads;

/// <summary>
/// A Certificate structure as a request carries it (KMIP 1.4 §2.2.1): its Certificate Type (null when absent) and
/// Certificate Value (null when absent or not a Byte String); whether they make a usable certificate is the operation's call.
/// </summary>
public sealed record CertificateValue(CertificateType? Type, byte[]? Value)
{
    public static CertificateValue Read(TtlvElement certificate)
    {
        ArgumentNullException.ThrowIfNull(certificate);
        var type = certificate.Find(Tag.CertificateType) is { } t ? (CertificateType)Lenient.Enumeration(t, "Certificate Type") : (CertificateType?)null;
        return new CertificateValue(type, certificate.Find(Tag.CertificateValue) is { Type: TtlvType.ByteString } v ? v.AsBytes().ToArray() : null);
    }
}

/// <summary>One link of the chain a Validate request gives: a Certificate structure, or the Unique Identifier of a Certificate object.</summary>
public sealed record ValidateChainItem(string? UniqueIdentifier, CertificateValue? Certificate);

/// <summary>
/// Validate request (KMIP 1.4 §4.24, 2.1 §6.1.58): the chain's Certificate structures and Unique Identifiers in request
/// order, and the Validity Date (null: now).
/// </summary>
public sealed record ValidateRequest(IReadOnlyList<ValidateChainItem> Chain, DateTimeOffset? ValidityDate) : IKmipRequest<ValidateRequest>, IObjectsRequest
{
    /// <summary>The Certificate objects the chain names.</summary>
    public IEnumerable<string> NamedIdentifiers => Chain.Select(c => c.UniqueIdentifier).OfType<string>();

    public static ValidateRequest Read(TtlvElement? payload, KmipVersion version)
    {
        var fields = new PayloadReader(payload);
        var chain = new List<ValidateChainItem>();
        foreach (var element in fields.Payload is { Type: TtlvType.Structure } p ? p.Children : [])
        {
            if (element.Tag == Tag.Certificate) chain.Add(new ValidateChainItem(null, CertificateValue.Read(element)));
            else if (element.Tag == Tag.UniqueIdentifier)
            {
                chain.Add(new ValidateChainItem(element.Type == TtlvType.TextString ? element.AsText() : throw KmipException.InvalidField("Unique Identifier must be a Text String."), null));
            }
        }
        var at = fields.Find(Tag.ValidityDate) is { } d ? (d.Type == TtlvType.DateTime ? d.AsDateTime() : throw KmipException.InvalidField("Validity Date must be a Date-Time.")) : (DateTimeOffset?)null;
        return new ValidateRequest(chain, at);
    }
}

/// <summary>Validate response: the Validity Indicator.</summary>
public sealed record ValidateResponse(ValidityIndicator Validity) : IKmipResponse
{
    public TtlvElement? Write(KmipVersion version) => TtlvElement.Structure(Tag.ResponsePayload, TtlvElement.Enumeration(Tag.ValidityIndicator, (uint)Validity));
}
