using HsmKmip.Protocol.Attributes;
using HsmKmip.Protocol.Messages;
using HsmKmip.Protocol.Vocabulary;
using HsmKmip.Ttlv;

namespace HsmKmip.Protocol.Payloads;

/// <summary>
/// Add Attribute (KMIP 1.4 §4.14, 2.1 §6.1.2) and Set Attribute (2.1 §6.1.49) request: one attribute, as a 1.x Attribute
/// structure or a 2.x New Attribute holding one tagged value (both accepted in any version: clients mix forms).
/// </summary>
public sealed record AttributeEditRequest(string? UniqueIdentifier, KmipAttribute Attribute) : IKmipRequest<AttributeEditRequest>, IObjectRequest
{
    public static AttributeEditRequest Read(TtlvElement? payload, KmipVersion version)
    {
        var fields = new PayloadReader(payload);
        return new AttributeEditRequest(fields.Text(Tag.UniqueIdentifier), AttributeChangeFields.Single(fields, version));
    }
}

/// <summary>
/// Modify Attribute request (KMIP 1.4 §4.15, 2.1 §6.1.32): the new value (1.x Attribute with its index, 2.x New Attribute)
/// and, in 2.x only, the Current Attribute naming the instance to replace by its value.
/// </summary>
public sealed record ModifyAttributeRequest(string? UniqueIdentifier, KmipAttribute Attribute, KmipAttribute? CurrentAttribute) : IKmipRequest<ModifyAttributeRequest>, IObjectRequest
{
    public static ModifyAttributeRequest Read(TtlvElement? payload, KmipVersion version)
    {
        var fields = new PayloadReader(payload);
        var modified = AttributeChangeFields.Single(fields, version);
        var current = version.Major >= 2 && fields.Find(Tag.CurrentAttribute) is { } c ? AttributeChangeFields.FromV2Container(c) : null;
        return new ModifyAttributeRequest(fields.Text(Tag.UniqueIdentifier), modified, current);
    }
}

/// <summary>
/// Delete Attribute request (KMIP 1.4 §4.16, 2.1 §6.1.13): 1.x names the instance by Attribute Name and Index; 2.x by a
/// Current Attribute (its value) or an Attribute Reference (the first instance).
/// </summary>
/// <param name="UniqueIdentifier">The object, or null for the ID Placeholder.</param>
/// <param name="Name">The attribute's 1.x name.</param>
/// <param name="Index">The instance's Attribute Index (used when <paramref name="CurrentAttribute"/> is null).</param>
/// <param name="CurrentAttribute">The instance to delete, named by its value (2.x Current Attribute), or null.</param>
public sealed record DeleteAttributeRequest(string? UniqueIdentifier, string Name, int Index, KmipAttribute? CurrentAttribute) : IKmipRequest<DeleteAttributeRequest>, IObjectRequest
{
    public static DeleteAttributeRequest Read(TtlvElement? payload, KmipVersion version)
    {
        var fields = new PayloadReader(payload);
        var uid = fields.Text(Tag.UniqueIdentifier);
        if (fields.Find(Tag.AttributeName) is { Type: TtlvType.TextString } n)
        {
            int index = fields.Find(Tag.AttributeIndex) is { } i ? (int)Lenient.Number(i, "Attribute Index") : 0;
            return new DeleteAttributeRequest(uid, n.AsText(), index, null);
        }
        if (fields.Find(Tag.CurrentAttribute) is { } c)
        {
            var current = AttributeChangeFields.FromV2Container(c);
            return new DeleteAttributeRequest(uid, current.Name, 0, current);
        }
        if (fields.Find(Tag.AttributeReference) is { } reference)
        {
            // One reading of Attribute References for every operation: an unknown tag is Unsupported Attribute, a malformed
            // vendor reference Invalid Field.
            return new DeleteAttributeRequest(uid, AttributeReferences.NameOf(reference), 0, null);
        }
        throw KmipException.MissingData("Delete Attribute needs the Attribute Name (1.x) or a Current Attribute / Attribute Reference (2.x).");
    }
}

/// <summary>
/// The response of Add, Modify, Delete and Set Attribute: the identifier, and in 1.x the attribute changed (Synology
/// waits for Modify's echo; KMIP-NOTES rule 17). 2.x responses carry the identifier only.
/// </summary>
public sealed record AttributeChangeResponse(string UniqueIdentifier, KmipAttribute? Echo) : IKmipResponse
{
    public TtlvElement? Write(KmipVersion version) => TtlvElement.Structure(Tag.ResponsePayload,
        TtlvElement.Text(Tag.UniqueIdentifier, UniqueIdentifier),
        version.Major < 2 && Echo is not null ? Echo.ToV1() : null);
}

/// <summary>Fields the attribute-change requests share.</summary>
internal static class AttributeChangeFields
{
    /// <summary>The one attribute of a 1.x request (an Attribute structure) or a 2.x request (a New Attribute holding a tagged value).</summary>
    public static KmipAttribute Single(PayloadReader fields, KmipVersion version)
    {
        if (fields.Find(Tag.Attribute) is { } attribute) return KmipAttribute.FromV1(attribute);
        if (fields.Find(Tag.NewAttribute) is { } container) return FromV2Container(container);
        throw KmipException.MissingData(version.Major >= 2 ? "The request lacks its New Attribute." : "The request lacks its Attribute.");
    }

    /// <summary>The one attribute inside a 2.x New Attribute or Current Attribute structure.</summary>
    public static KmipAttribute FromV2Container(TtlvElement container)
    {
        if (container.Type != TtlvType.Structure || container.Children.Count != 1) throw KmipException.InvalidField("A New/Current Attribute holds exactly one attribute.");
        return KmipAttribute.FromV2(container.Children[0]);
    }
}
