using HsmKmip.Protocol.Messages;
using HsmKmip.Protocol.Vocabulary;
using HsmKmip.Ttlv;

namespace HsmKmip.Protocol.Attributes;

/// <summary>Reading and writing lists of attributes in the form of the request's version.</summary>
public static class AttributeList
{
    /// <summary>
    /// The attributes a request carries: in 1.x a Template-Attribute structure (<paramref name="v1Container"/>,
    /// holding Attribute structures, and Names of Template objects: collected into <paramref name="templateNames"/>, or
    /// refused when it is null), in 2.x an Attributes structure (<paramref name="v2Container"/>) holding tagged values.
    /// Clients mix forms, so both are accepted in any version. Instances of one name without an explicit index are
    /// numbered in order.
    /// </summary>
    public static IReadOnlyList<KmipAttribute> FromRequest(TtlvElement? payload, TtlvTag v1Container, TtlvTag v2Container, ICollection<string>? templateNames = null)
    {
        var result = new List<KmipAttribute>();
        if (payload is null) return result;
        var counts = new Dictionary<string, int>(StringComparer.Ordinal);
        foreach (var container in payload.Children)
        {
            if (container.Tag == v1Container)
            {
                if (container.Type != TtlvType.Structure) throw KmipException.InvalidField("Template-Attribute must be a structure.");
                foreach (var item in container.Children)
                {
                    if (item.Tag == Tag.Attribute) result.Add(Number(KmipAttribute.FromV1(item), item.Find(Tag.AttributeIndex) is not null, counts));
                    else if (item.Tag == Tag.Name && templateNames is not null) templateNames.Add(TemplateName(item));
                    else if (item.Tag == Tag.Name) throw new KmipException(ResultReason.FeatureNotSupported, "Templates (Name inside Template-Attribute) are not supported here; send the attributes themselves.");
                    else throw KmipException.InvalidField($"Unexpected item {TagName(item.Tag)} in Template-Attribute.");
                }
            }
            else if (container.Tag == v2Container)
            {
                if (container.Type != TtlvType.Structure) throw KmipException.InvalidField("Attributes must be a structure.");
                foreach (var item in container.Children) result.Add(Number(KmipAttribute.FromV2(item), explicitIndex: false, counts));
            }
        }
        return result;
    }

    /// <summary>Writes attributes for a response in <paramref name="version"/>'s form, leaving out those the version lacks.</summary>
    public static IEnumerable<TtlvElement> ToResponse(IEnumerable<KmipAttribute> attributes, KmipVersion version) =>
        attributes.Where(a => a.ExistsIn(version))
            .Select(a => version.Major >= 2 ? a.ToV2() : a.ToV1())
            .OfType<TtlvElement>();

    /// <summary>The Name Value of a template reference (KMIP 1.4 §2.1.8: a Name structure inside Template-Attribute).</summary>
    private static string TemplateName(TtlvElement name) =>
        name.Type == TtlvType.Structure && name.Find(Tag.NameValue) is { Type: TtlvType.TextString } value
            ? value.AsText()
            : throw KmipException.InvalidField("A Name inside Template-Attribute must be a Name structure with a Name Value (Text String).");

    private static KmipAttribute Number(KmipAttribute attribute, bool explicitIndex, Dictionary<string, int> counts)
    {
        int next = counts.GetValueOrDefault(attribute.Name);
        counts[attribute.Name] = Math.Max(next, attribute.Index) + 1;
        return explicitIndex && attribute.Index != 0 ? attribute : attribute with { Index = next };
    }

    private static string TagName(TtlvTag tag) => KmipTags.TryGetInfo(tag, out var info) ? info.Name : tag.ToString();
}
