using HsmKmip.Protocol.Messages;
using HsmKmip.Protocol.Vocabulary;
using HsmKmip.Ttlv;

namespace HsmKmip.Protocol.Versioning;

/// <summary>
/// The one check every response payload passes on its way to the TTLV writer: nothing the request's version lacks
/// leaves the server (KMIP-NOTES rule 4; KMIP 1.4 §6.1 — the response is in the request's version). Every tag is
/// checked against the version that introduced it (and removed it, for the 1.x tags KMIP 2.0 made Reserved), every
/// Enumeration value against the version that defined it, and fields a structure gained later against
/// <see cref="FieldVersions"/>.
/// <para>
/// What the version lacks inside a list of attributes (an attribute, or a field or value inside one, in Get
/// Attributes, Get Attribute List, a 1.x Template-Attribute or a 2.x Attributes structure) is data the object has
/// and the version cannot say: the attribute is left out. Anything else is a field a handler should not have
/// built: it is removed and reported as a leak, which the caller logs — or, with <c>refuseLeaks</c> (tests), turns
/// into a General Failure so that no test passes with a leak.
/// </para>
/// </summary>
public static class ResponseVersionRule
{
    /// <summary>
    /// The payload of <paramref name="item"/> as <paramref name="version"/> may carry it. <paramref name="request"/>
    /// is the request item it answers (null when unknown): an unnamed Get Attributes gets the
    /// <paramref name="allAttributes"/> choice. Leaks found are added to <paramref name="leaks"/> as "Tag in Path".
    /// </summary>
    public static ResponseBatchItem Apply(ResponseBatchItem item, RequestBatchItem? request, KmipVersion version, AllAttributesMode allAttributes, ICollection<string> leaks)
    {
        ArgumentNullException.ThrowIfNull(item);
        ArgumentNullException.ThrowIfNull(leaks);
        if (item.Payload is not { } payload) return item;
        // Portable everywhere attributes travel unasked (an unnamed Get Attributes, the attributes a Create or Register
        // answer says the server set, a Get's key block); a Get Attributes that names attributes gets what it named.
        // The attribute operations echo the one attribute the client sent (KMIP 1.4 §4.14-4.16): never trimmed.
        bool portable = allAttributes == AllAttributesMode.Portable
            && !(request is { } r && ((r.Operation == (uint)Operation.GetAttributes && NamesAttributes(r.Payload)) || Echoes.Contains(r.Operation)));
        var walker = new Walker(version, portable, leaks);
        var filtered = walker.Structure(payload, "ResponsePayload");
        return ReferenceEquals(filtered, payload) ? item : item with { Payload = filtered };
    }

    /// <summary>
    /// Newer fields sent to older versions on purpose: Located Items (KMIP 1.3) in every Locate answer, because Percona's
    /// 1.0 client pages with Offset Items and needs the count (KMIP-NOTES rule 13); strict decoders skip it when absent
    /// and read it when present (PyKMIP's Locate payload checks for the tag at every version).
    /// </summary>
    private static readonly HashSet<uint> Deliberate = [Tag.LocatedItems];

    private static readonly HashSet<uint> Echoes =
    [
        (uint)Operation.AddAttribute, (uint)Operation.ModifyAttribute, (uint)Operation.DeleteAttribute,
        (uint)Operation.SetAttribute, (uint)Operation.AdjustAttribute,
    ];

    private static bool NamesAttributes(TtlvElement? payload) =>
        payload?.Children.Any(c => c.Tag == Tag.AttributeName || c.Tag == Tag.AttributeReference) == true;

    private sealed class Walker(KmipVersion version, bool portable, ICollection<string> leaks)
    {
        public TtlvElement Structure(TtlvElement structure, string path)
        {
            var kept = new List<TtlvElement>(structure.Children.Count);
            bool changed = false;
            foreach (var child in structure.Children)
            {
                var result = Child(structure.Tag, child, path);
                if (result is not null) kept.Add(result);
                changed |= !ReferenceEquals(result, child);
            }
            return changed ? structure.WithChildren(kept) : structure;
        }

        private TtlvElement? Child(TtlvTag parent, TtlvElement child, string path)
        {
            // A 2.x attribute list: every child is one attribute under its own tag (or a vendor Attribute).
            if (parent == Tag.Attributes || parent == Tag.CommonAttributes || parent == Tag.PrivateKeyAttributes || parent == Tag.PublicKeyAttributes)
            {
                return Attribute2x(child);
            }
            // A 1.x Attribute structure (Attribute Name, Attribute Index, Attribute Value) anywhere in a response.
            if (child.Tag == Tag.Attribute && child.Type == TtlvType.Structure && child.Find(Tag.AttributeName) is { Type: TtlvType.TextString } name)
            {
                return Attribute1x(child, name.AsText());
            }
            // Get Attribute List: 1.x names and 2.x references of attributes the version may lack.
            if (parent == Tag.ResponsePayload && child.Tag == Tag.AttributeName && child.Type == TtlvType.TextString)
            {
                return AttributeExists(child.AsText()) ? child : null;
            }
            if (parent == Tag.ResponsePayload && child.Tag == Tag.AttributeReference && child.Type == TtlvType.Enumeration)
            {
                return KmipTags.IsDefinedIn(new TtlvTag(child.AsEnum()), version) ? child : null;
            }
            if (Deliberate.Contains(child.Tag.Value)) return child;
            if (Lacks(parent, child) is { } what)
            {
                leaks.Add($"{what} in {path}");
                return null;
            }
            return child.Type == TtlvType.Structure ? Structure(child, path + "/" + NameOf(child.Tag)) : child;
        }

        private TtlvElement? Attribute1x(TtlvElement attribute, string name)
        {
            if (!AttributeExists(name)) return null;
            if (portable && !PortableAttributes.Includes(name, version, attribute.Find(Tag.AttributeValue)?.Type)) return null;
            var value = attribute.Find(Tag.AttributeValue);
            if (value is null || KmipAttributeNames.IsCustom(name) || !KmipAttributeNames.TryGetTag(name, out var tag)) return attribute;
            var checkedValue = Value(value, tag);
            if (checkedValue is null) return null;
            return ReferenceEquals(checkedValue, value) ? attribute
                : attribute.WithChildren(attribute.Children.Select(c => ReferenceEquals(c, value) ? checkedValue : c));
        }

        private TtlvElement? Attribute2x(TtlvElement item)
        {
            if (item.Tag != Tag.Attribute && !KmipTags.IsDefinedIn(item.Tag, version)) return null;
            if (portable && (PortableAttributes.NameOf(item) is not { } name || !PortableAttributes.Includes(name, version, item.Type))) return null;
            return item.Tag == Tag.Attribute ? item : Value(item, item.Tag);
        }

        /// <summary>
        /// An attribute's value checked as the item <paramref name="tag"/> names (its enumeration, its fields), or null
        /// when the version cannot say it. A field the version lacks (Key Format Type in a 1.0 Digest) is left out.
        /// </summary>
        private TtlvElement? Value(TtlvElement value, TtlvTag tag)
        {
            if (value.Type == TtlvType.Enumeration && !EnumerationDefined(tag, value.AsEnum())) return null;
            if (value.Type != TtlvType.Structure) return value;
            var kept = new List<TtlvElement>(value.Children.Count);
            bool changed = false;
            foreach (var field in value.Children)
            {
                if (LacksField(tag, field) is not null)
                {
                    changed = true;
                    continue;
                }
                // An enumeration value the version lacks changes what the attribute means: the attribute is left out.
                if (Value(field, field.Tag) is not { } checkedField) return null;
                kept.Add(checkedField);
                changed |= !ReferenceEquals(checkedField, field);
            }
            return changed ? value.WithChildren(kept) : value;
        }

        /// <summary>What of <paramref name="child"/> the version lacks (tag, field, value), or null.</summary>
        private string? Lacks(TtlvTag parent, TtlvElement child)
        {
            if (LacksField(parent, child) is { } field) return field;
            if (child.Type == TtlvType.Enumeration && !EnumerationDefined(child.Tag, child.AsEnum())) return $"{NameOf(child.Tag)} value 0x{child.AsEnum():X8}";
            return null;
        }

        /// <summary>The tag, or its place in <paramref name="parent"/>, that the version lacks; or null.</summary>
        private string? LacksField(TtlvTag parent, TtlvElement child)
        {
            if (KmipTags.TryGetInfo(child.Tag, out var info) && !info.IsDefinedIn(version)) return NameOf(child.Tag);
            return FieldVersions.IsDefinedIn(parent, child.Tag, version) ? null : $"{NameOf(child.Tag)} (a field of {NameOf(parent)})";
        }

        private bool EnumerationDefined(TtlvTag tag, uint value) =>
            KmipEnumerations.IsExtensionValue(value) || !KmipEnumerations.TryGetInfo(tag, out var info) || info.IsMask || info.IsDefinedIn(value, version);

        private bool AttributeExists(string name) =>
            KmipAttributeNames.IsCustom(name) || (KmipAttributeNames.TryGetInfo(name, out var info) && info.IsDefinedIn(version));

        private static string NameOf(TtlvTag tag) => KmipTags.TryGetInfo(tag, out var info) ? info.Name : tag.ToString();
    }
}
