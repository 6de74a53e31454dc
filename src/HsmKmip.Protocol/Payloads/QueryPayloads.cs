using HsmKmip.Protocol.Messages;
using HsmKmip.Protocol.Vocabulary;
using HsmKmip.Ttlv;

namespace HsmKmip.Protocol.Payloads;

/// <summary>Query request (KMIP 1.4 §4.25): which kinds of information the client wants.</summary>
public sealed record QueryRequest(IReadOnlyList<QueryFunction> Functions) : IKmipRequest<QueryRequest>
{
    public static QueryRequest Read(TtlvElement? payload, KmipVersion version) => FromTtlv(payload);

    public static QueryRequest FromTtlv(TtlvElement? payload)
    {
        var functions = new List<QueryFunction>();
        foreach (var f in payload?.FindAll(Tag.QueryFunction) ?? [])
        {
            functions.Add((QueryFunction)Lenient.Enumeration(f, "Query Function"));
        }
        return new QueryRequest(functions);
    }
}

/// <summary>The Capability Information structure (KMIP 1.3 §2.1.21): what the server can do beyond single synchronous requests.</summary>
public sealed record CapabilityInformation(bool Streaming, bool Asynchronous, bool Attestation, bool BatchUndo, bool BatchContinue);

/// <summary>
/// Query response. Fields are written in the specification's order, each only when the request's
/// version has it and the client asked for it.
/// </summary>
public sealed record QueryResponse : IKmipResponse
{
    public TtlvElement? Write(KmipVersion version) => ToTtlv(version);

    public IReadOnlyList<Operation> Operations { get; init; } = [];

    public IReadOnlyList<ObjectType> ObjectTypes { get; init; } = [];

    public string? VendorIdentification { get; init; }

    /// <summary>Children of the vendor-specific Server Information structure; null omits it.</summary>
    public IReadOnlyList<TtlvElement>? ServerInformation { get; init; }

    public CapabilityInformation? Capabilities { get; init; }

    public TtlvElement ToTtlv(KmipVersion version)
    {
        var children = new List<TtlvElement>();
        children.AddRange(Operations.Select(o => TtlvElement.Enumeration(Tag.Operation, (uint)o)));
        // Version rule: an object type the request's version lacks is not named (KMIP-NOTES: nothing the version lacks).
        children.AddRange(ObjectTypes.Where(o => KmipEnumerations.IsDefinedIn(Tag.ObjectType, (uint)o, version)).Select(o => TtlvElement.Enumeration(Tag.ObjectType, (uint)o)));
        if (VendorIdentification is not null) children.Add(TtlvElement.Text(Tag.VendorIdentification, VendorIdentification));
        if (ServerInformation is not null) children.Add(TtlvElement.Structure(Tag.ServerInformation, ServerInformation));
        if (Capabilities is { } c && version >= KmipVersion.V1_3)
        {
            children.Add(TtlvElement.Structure(Tag.CapabilityInformation,
                TtlvElement.Boolean(Tag.StreamingCapability, c.Streaming),
                TtlvElement.Boolean(Tag.AsynchronousCapability, c.Asynchronous),
                TtlvElement.Boolean(Tag.AttestationCapability, c.Attestation),
                version >= KmipVersion.V1_4 ? TtlvElement.Boolean(Tag.BatchUndoCapability, c.BatchUndo) : null,
                version >= KmipVersion.V1_4 ? TtlvElement.Boolean(Tag.BatchContinueCapability, c.BatchContinue) : null));
        }
        return TtlvElement.Structure(Tag.ResponsePayload, children);
    }
}
