using HsmKmip.Protocol.Messages;
using HsmKmip.Protocol.Vocabulary;
using HsmKmip.Ttlv;

namespace HsmKmip.Protocol.Payloads;

/// <summary>
/// Create Split Key request (KMIP 1.4 §4.38, 2.1 §6.1.11): the Object Type of the base key, the split's shape (parts,
/// threshold, method: all required), the base key to split (null: a new one is generated for it; the ID Placeholder is
/// not used) and the parts' attributes (no Templates).
/// </summary>
public sealed record CreateSplitKeyRequest(ObjectType ObjectType, int Parts, int Threshold, SplitKeyMethod Method, string? UniqueIdentifier, RequestedAttributes Attributes)
    : IKmipRequest<CreateSplitKeyRequest>, IObjectsRequest
{
    /// <summary>The base key, when the request names one.</summary>
    public IEnumerable<string> NamedIdentifiers => UniqueIdentifier is null ? [] : [UniqueIdentifier];

    public static CreateSplitKeyRequest Read(TtlvElement? payload, KmipVersion version)
    {
        var fields = new PayloadReader(payload);
        var objectType = (ObjectType)(fields.Enumeration(Tag.ObjectType) ?? throw KmipException.MissingData("Create Split Key needs an Object Type."));
        int parts = SplitKeyFields.Count(fields, Tag.SplitKeyParts, "Split Key Parts");
        int threshold = SplitKeyFields.Count(fields, Tag.SplitKeyThreshold, "Split Key Threshold");
        var method = (SplitKeyMethod)(fields.Enumeration(Tag.SplitKeyMethod) ?? throw KmipException.MissingData("Create Split Key needs a Split Key Method."));
        var attributes = RequestedAttributes.Read(payload, Tag.TemplateAttribute, Tag.Attributes, version, templates: false);
        return new CreateSplitKeyRequest(objectType, parts, threshold, method, fields.Text(Tag.UniqueIdentifier), attributes);
    }
}

/// <summary>
/// Join Split Key request (KMIP 1.4 §4.39, 2.1 §6.1.28): the Object Type to make, the Split Keys to join (in order),
/// the Secret Data Type of a Secret Data result (null: Seed) and the new object's attributes (no Templates).
/// </summary>
public sealed record JoinSplitKeyRequest(ObjectType ObjectType, IReadOnlyList<string> UniqueIdentifiers, SecretDataType? SecretDataType, RequestedAttributes Attributes)
    : IKmipRequest<JoinSplitKeyRequest>, IObjectsRequest
{
    public IEnumerable<string> NamedIdentifiers => UniqueIdentifiers;

    public static JoinSplitKeyRequest Read(TtlvElement? payload, KmipVersion version)
    {
        var fields = new PayloadReader(payload);
        var objectType = (ObjectType)(fields.Enumeration(Tag.ObjectType) ?? throw KmipException.MissingData("Join Split Key needs an Object Type."));
        var ids = fields.FindAll(Tag.UniqueIdentifier).Select(c => c.Type == TtlvType.TextString ? c.AsText() : throw KmipException.InvalidField("Unique Identifier must be a Text String.")).ToArray();
        var attributes = RequestedAttributes.Read(payload, Tag.TemplateAttribute, Tag.Attributes, version, templates: false);
        var dataType = fields.Enumeration(Tag.SecretDataType) is { } t ? (SecretDataType)t : (SecretDataType?)null;
        return new JoinSplitKeyRequest(objectType, ids, dataType, attributes);
    }
}

/// <summary>The response of an operation that answers several identifiers (Create Split Key: the parts in Key Part Identifier order).</summary>
public sealed record IdentifiersResponse(IReadOnlyList<string> UniqueIdentifiers) : IKmipResponse
{
    public TtlvElement? Write(KmipVersion version) =>
        TtlvElement.Structure(Tag.ResponsePayload, UniqueIdentifiers.Select(id => TtlvElement.Text(Tag.UniqueIdentifier, id)).ToArray());
}

internal static class SplitKeyFields
{
    /// <summary>A required count (Split Key Parts, Split Key Threshold), read leniently; one that does not fit an int is refused.</summary>
    public static int Count(PayloadReader fields, TtlvTag tag, string name) =>
        fields.Find(tag) is { } e ? checked((int)Lenient.Number(e, name)) : throw KmipException.MissingData($"The request needs {name}.");
}
