using HsmKmip.Protocol.Attributes;
using HsmKmip.Protocol.Messages;
using HsmKmip.Protocol.Vocabulary;
using HsmKmip.Ttlv;

namespace HsmKmip.Protocol.Payloads;

/// <summary>
/// Get Attributes request (KMIP 1.4 §4.12, 2.1 §6.1.23): the object and the attributes wanted, as 1.x Attribute Name
/// texts or 2.x Attribute References (both accepted in any version: clients mix them). No names means every attribute.
/// </summary>
/// <param name="UniqueIdentifier">The object, or null for the ID Placeholder.</param>
/// <param name="AttributeNames">The 1.x names of the attributes asked for ("x-..." for vendor attributes); empty: all of them.</param>
public sealed record GetAttributesRequest(string? UniqueIdentifier, IReadOnlySet<string> AttributeNames) : IKmipRequest<GetAttributesRequest>, IObjectRequest
{
    public static GetAttributesRequest Read(TtlvElement? payload, KmipVersion version)
    {
        var fields = new PayloadReader(payload);
        var names = new HashSet<string>(StringComparer.Ordinal);
        foreach (var child in fields.Payload is { Type: TtlvType.Structure } p ? p.Children : [])
        {
            if (child.Tag == Tag.AttributeName)
            {
                names.Add(child.Type == TtlvType.TextString ? child.AsText() : throw KmipException.InvalidField("Attribute Name must be a Text String."));
            }
            else if (child.Tag == Tag.AttributeReference)
            {
                names.Add(ReferencedName(child));
            }
        }
        return new GetAttributesRequest(fields.Text(Tag.UniqueIdentifier), names);
    }

    /// <summary>KMIP 2.1 §7.3 Attribute Reference: an Enumeration of the attribute's tag, or a structure naming a vendor attribute.</summary>
    private static string ReferencedName(TtlvElement reference)
    {
        if (reference.Type == TtlvType.Enumeration && KmipAttributeNames.TryGetName(new TtlvTag(reference.AsEnum()), out var name)) return name;
        if (reference.Type == TtlvType.Structure && reference.Find(Tag.AttributeName) is { Type: TtlvType.TextString } n)
        {
            return reference.Find(Tag.VendorIdentification) is { Type: TtlvType.TextString } v ? KmipAttribute.CustomName(v.AsText(), n.AsText()) : n.AsText();
        }
        throw new KmipException(ResultReason.UnsupportedAttribute, "Attribute Reference names no attribute this server knows.");
    }
}

/// <summary>
/// Get Attributes response: the identifier and the attributes in the request's version's form — 1.x Attribute
/// structures beside the identifier, 2.x one Attributes structure — leaving out those the version lacks.
/// </summary>
public sealed record GetAttributesResponse(string UniqueIdentifier, IReadOnlyList<KmipAttribute> Attributes) : IKmipResponse
{
    public TtlvElement? Write(KmipVersion version)
    {
        var encoded = AttributeList.ToResponse(Attributes, version);
        var uid = TtlvElement.Text(Tag.UniqueIdentifier, UniqueIdentifier);
        return version.Major >= 2
            ? TtlvElement.Structure(Tag.ResponsePayload, uid, TtlvElement.Structure(Tag.Attributes, encoded.ToArray()))
            : TtlvElement.Structure(Tag.ResponsePayload, encoded.Prepend(uid));
    }
}

/// <summary>
/// Get Attribute List response (KMIP 1.4 §4.13, 2.1 §6.1.24): the names (1.x Attribute Name) or references (2.x
/// Attribute Reference) of the attributes the object has, only those that exist in the request's version.
/// </summary>
public sealed record GetAttributeListResponse(string UniqueIdentifier, IReadOnlyList<string> AttributeNames) : IKmipResponse
{
    public TtlvElement? Write(KmipVersion version)
    {
        var names = AttributeNames.Where(n => KmipAttributeNames.IsCustom(n) || (KmipAttributeNames.TryGetInfo(n, out var info) && info.IsDefinedIn(version)));
        var items = version.Major >= 2 ? names.Select(Reference) : names.Select(n => TtlvElement.Text(Tag.AttributeName, n));
        return TtlvElement.Structure(Tag.ResponsePayload, items.Prepend(TtlvElement.Text(Tag.UniqueIdentifier, UniqueIdentifier)));
    }

    /// <summary>A KMIP 2.x Attribute Reference: the attribute's tag, or for a vendor attribute its vendor and name.</summary>
    private static TtlvElement Reference(string name)
    {
        if (KmipAttributeNames.TryGetTag(name, out var tag)) return TtlvElement.Enumeration(Tag.AttributeReference, tag.Value);
        var (vendor, vendorName) = KmipAttribute.SplitCustomName(name);
        return TtlvElement.Structure(Tag.AttributeReference, TtlvElement.Text(Tag.VendorIdentification, vendor), TtlvElement.Text(Tag.AttributeName, vendorName));
    }
}
