using HsmKmip.Protocol.Vocabulary;
using HsmKmip.Ttlv;

namespace HsmKmip.Protocol.Payloads;

/// <summary>
/// The request of an operation that names one object and nothing else: Activate (KMIP 1.4 §4.19), Destroy (§4.21),
/// Archive (§4.23), Recover (§4.24). The Unique Identifier may be omitted: the ID Placeholder then stands for it.
/// </summary>
public sealed record IdentifierRequest(string? UniqueIdentifier) : IKmipRequest<IdentifierRequest>, IObjectRequest
{
    public static IdentifierRequest Read(TtlvElement? payload, KmipVersion version) =>
        new(new PayloadReader(payload).Text(Tag.UniqueIdentifier));
}

/// <summary>The response of an operation that answers only the identifier of the object it acted on.</summary>
public sealed record IdentifierResponse(string UniqueIdentifier) : IKmipResponse
{
    public TtlvElement? Write(KmipVersion version) =>
        TtlvElement.Structure(Tag.ResponsePayload, TtlvElement.Text(Tag.UniqueIdentifier, UniqueIdentifier));
}
