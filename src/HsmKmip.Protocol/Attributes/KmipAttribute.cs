using HsmKmip.Protocol.Messages;
using HsmKmip.Protocol.Vocabulary;
using HsmKmip.Ttlv;

namespace HsmKmip.Protocol.Attributes;

/// <summary>
/// One attribute instance in version-neutral form: its KMIP 1.x name, its index among instances of that name,
/// and its value as an item tagged Attribute Value. KMIP 1.x carries attributes as Attribute structures
/// (KMIP 1.4 §2.1.1); KMIP 2.x writes each value under its own tag inside an Attributes structure (KMIP 2.1 §7.2).
/// </summary>
/// <param name="Name">"Cryptographic Algorithm", "Name", "x-Vendor", ...</param>
/// <param name="Index">Attribute Index (0 for the first instance of a name).</param>
/// <param name="Value">The value, tagged <see cref="Tag.AttributeValue"/>.</param>
public sealed record KmipAttribute(string Name, int Index, TtlvElement Value)
{
    /// <summary>True for client ("x-") and server ("y-") custom attributes, which have no tag.</summary>
    public bool IsCustom => KmipAttributeNames.IsCustom(Name);

    /// <summary>The encoded value, as the store keeps it.</summary>
    public byte[] EncodeValue() => TtlvWriter.Encode(Value);

    /// <summary>Reads a value the store kept.</summary>
    public static TtlvElement DecodeValue(ReadOnlySpan<byte> encoded) => TtlvDecoder.Decode(encoded);

    /// <summary>
    /// Reads a KMIP 1.x Attribute structure: Attribute Name, optional Attribute Index (an Integer; MySQL Enterprise
    /// sends 0 in every attribute), Attribute Value. The value's type is checked against the attribute; an Integer
    /// where an Enumeration belongs is accepted and converted (KMIP-NOTES rule 15).
    /// </summary>
    public static KmipAttribute FromV1(TtlvElement attribute)
    {
        if (attribute.Type != TtlvType.Structure) throw KmipException.InvalidField("Attribute must be a structure.");
        var nameElement = attribute.Find(Tag.AttributeName) ?? throw KmipException.InvalidField("Attribute lacks its Attribute Name.");
        if (nameElement.Type != TtlvType.TextString) throw KmipException.InvalidField("Attribute Name must be a Text String.");
        var name = nameElement.AsText();
        int index = attribute.Find(Tag.AttributeIndex) is { } i ? (int)Lenient.Number(i, "Attribute Index") : 0;
        if (index < 0) throw KmipException.InvalidField($"Attribute Index of '{name}' is negative.");
        var value = attribute.Find(Tag.AttributeValue) ?? throw KmipException.InvalidField($"Attribute '{name}' lacks its Attribute Value.");
        return new KmipAttribute(name, index, Normalize(name, value));
    }

    /// <summary>
    /// Reads a KMIP 2.x attribute: an item whose tag names the attribute (Cryptographic Algorithm 0x420028, ...).
    /// Unknown tags are refused (KMIP 2.1 Result Reason Unsupported Attribute).
    /// </summary>
    public static KmipAttribute FromV2(TtlvElement element, int index = 0)
    {
        if (element.Tag == Tag.Attribute)
        {
            // KMIP 2.x vendor attribute (KMIP 2.1 §2.1.1): Vendor Identification, Attribute Name, Attribute Value.
            var vendor = element.Find(Tag.VendorIdentification) is { Type: TtlvType.TextString } v ? v.AsText() : throw KmipException.InvalidField("A vendor Attribute needs its Vendor Identification.");
            var vendorName = element.Find(Tag.AttributeName) is { Type: TtlvType.TextString } n ? n.AsText() : throw KmipException.InvalidField("A vendor Attribute needs its Attribute Name.");
            var vendorValue = element.Find(Tag.AttributeValue) ?? throw KmipException.InvalidField($"Vendor attribute '{vendorName}' lacks its Attribute Value.");
            var custom = CustomName(vendor, vendorName);
            return new KmipAttribute(custom, index, Normalize(custom, vendorValue));
        }
        if (!KmipAttributeNames.TryGetName(element.Tag, out var name))
        {
            var tagName = KmipTags.TryGetInfo(element.Tag, out var info) ? info.Name : element.Tag.ToString();
            throw new KmipException(ResultReason.UnsupportedAttribute, $"{tagName} is not an attribute this server knows.");
        }
        return new KmipAttribute(name, index, Normalize(name, element.WithTag(Tag.AttributeValue)));
    }

    /// <summary>The KMIP 1.x Attribute structure; the index is written only when it is not 0.</summary>
    public TtlvElement ToV1() => TtlvElement.Structure(Tag.Attribute,
        TtlvElement.Text(Tag.AttributeName, Name),
        Index != 0 ? TtlvElement.Integer(Tag.AttributeIndex, Index) : null,
        Value);

    /// <summary>The KMIP 2.x form: the value under the attribute's own tag, or for a custom attribute a vendor Attribute.</summary>
    public TtlvElement? ToV2()
    {
        if (KmipAttributeNames.TryGetTag(Name, out var tag)) return Value.WithTag(tag);
        if (!IsCustom) return null;
        var (vendor, name) = SplitCustomName(Name);
        return TtlvElement.Structure(Tag.Attribute,
            TtlvElement.Text(Tag.VendorIdentification, vendor),
            TtlvElement.Text(Tag.AttributeName, name),
            Value);
    }

    /// <summary>True when the attribute exists in <paramref name="version"/> (custom attributes exist in every version: 1.x by name, 2.x as vendor attributes).</summary>
    public bool ExistsIn(KmipVersion version) => IsCustom || (KmipAttributeNames.TryGetInfo(Name, out var info) && info.IsDefinedIn(version));

    /// <summary>
    /// The 1.x name of a 2.x vendor attribute: vendor "x" (client) or "y" (server) and name "ID" is "x-ID", as the
    /// OASIS test cases map them; any other vendor is kept as "x-VENDOR:NAME" so that it round-trips.
    /// </summary>
    public static string CustomName(string vendor, string name) =>
        vendor is "x" or "y" ? $"{vendor}-{name}" : $"x-{vendor}:{name}";

    /// <summary>The vendor identification and attribute name of a custom attribute's 1.x name.</summary>
    public static (string Vendor, string Name) SplitCustomName(string customName)
    {
        var prefix = customName[..1];
        var rest = customName[2..];
        int colon = rest.IndexOf(':', StringComparison.Ordinal);
        return prefix == "x" && colon > 0 ? (rest[..colon], rest[(colon + 1)..]) : (prefix, rest);
    }

    private static TtlvElement Normalize(string name, TtlvElement value)
    {
        value = value.WithTag(Tag.AttributeValue);
        if (KmipAttributeNames.IsCustom(name))
        {
            // Custom attributes carry any primitive type (vSphere: Text String; NetApp: several); structures are refused.
            if (value.Type == TtlvType.Structure) throw KmipException.InvalidField($"Custom attribute '{name}' must hold a primitive value, not a structure.");
            return value;
        }
        if (!KmipAttributeNames.TryGetTag(name, out var tag))
        {
            throw KmipException.InvalidField($"'{name}' is not a KMIP attribute; custom attributes are named x-... (client) or y-... (server).");
        }
        if (!KmipTags.TryGetInfo(tag, out var info) || info.TypeVaries || value.Type == info.Type) return value;
        if (info.Type == TtlvType.Enumeration && value.Type is TtlvType.Integer or TtlvType.LongInteger && value.RawScalar is >= 0 and <= uint.MaxValue)
        {
            return TtlvElement.Enumeration(Tag.AttributeValue, (uint)value.RawScalar);
        }
        if (info.Type == TtlvType.Integer && value.Type == TtlvType.LongInteger && value.RawScalar is >= int.MinValue and <= int.MaxValue)
        {
            return TtlvElement.Integer(Tag.AttributeValue, (int)value.RawScalar);
        }
        throw KmipException.InvalidField($"Attribute '{name}' takes a {info.Type}, not a {value.Type}.");
    }
}
