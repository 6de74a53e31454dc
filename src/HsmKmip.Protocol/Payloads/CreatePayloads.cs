using HsmKmip.Protocol.Messages;
using HsmKmip.Protocol.Vocabulary;
using HsmKmip.Ttlv;

namespace HsmKmip.Protocol.Payloads;

/// <summary>Create request (KMIP 1.4 §4.1, 2.1 §6.1.4): the Object Type to make and its attributes (1.x Template-Attribute, 2.x Attributes).</summary>
public sealed record CreateRequest(ObjectType ObjectType, RequestedAttributes Attributes) : IKmipRequest<CreateRequest>
{
    /// <summary>The protection storage the client accepts (KMIP 2.0); empty: any.</summary>
    public IReadOnlyList<ProtectionStorageMask> ProtectionStorageMasks { get; init; } = [];

    public static CreateRequest Read(TtlvElement? payload, KmipVersion version)
    {
        var fields = new PayloadReader(payload);
        var objectType = (ObjectType)(fields.Enumeration(Tag.ObjectType) ?? throw KmipException.MissingData("Create needs an Object Type."));
        return new CreateRequest(objectType, RequestedAttributes.Read(payload, Tag.TemplateAttribute, Tag.Attributes, version))
        {
            ProtectionStorageMasks = Payloads.ProtectionStorageMasks.Read(payload),
        };
    }
}

/// <summary>Create response: the Object Type made and its Unique Identifier.</summary>
public sealed record CreateResponse(ObjectType ObjectType, string UniqueIdentifier) : IKmipResponse
{
    public TtlvElement? Write(KmipVersion version) => TtlvElement.Structure(Tag.ResponsePayload,
        TtlvElement.Enumeration(Tag.ObjectType, (uint)ObjectType),
        TtlvElement.Text(Tag.UniqueIdentifier, UniqueIdentifier));
}
