using HsmKmip.Core.Lifecycle;
using HsmKmip.Protocol.Attributes;
using HsmKmip.Protocol.Messages;
using HsmKmip.Protocol.Vocabulary;
using HsmKmip.Ttlv;

namespace HsmKmip.Operations.Objects;

/// <summary>Link attributes (KMIP 1.4 §3.35): a Link Type and the Linked Object Identifier. Shared by every operation that relates objects.</summary>
internal static class ObjectLinks
{
    internal static KmipAttribute Link(LinkType type, string target) => new("Link", 0, TtlvElement.Structure(Tag.AttributeValue,
        TtlvElement.Enumeration(Tag.LinkType, (uint)type), TtlvElement.Text(Tag.LinkedObjectIdentifier, target)));

    internal static bool IsLink(KmipAttribute a, LinkType type) => a.Value.Find(Tag.LinkType) is { } t && t.AsEnum() == (uint)type;

    /// <summary>The Linked Object Identifier of the first link of <paramref name="type"/>, or null when the object has none.</summary>
    internal static string? Target(IEnumerable<KmipAttribute> attributes, LinkType type) => Targets(attributes, type).FirstOrDefault();

    /// <summary>The Linked Object Identifiers of every link of <paramref name="type"/>, in attribute order.</summary>
    internal static IEnumerable<string> Targets(IEnumerable<KmipAttribute> attributes, LinkType type) =>
        attributes.Where(a => a.Name == "Link" && IsLink(a, type))
            .Select(a => a.Value.Find(Tag.LinkedObjectIdentifier))
            .Where(v => v is { Type: TtlvType.TextString })
            .Select(v => v!.AsText());
}
