using HsmKmip.Ttlv;

namespace HsmKmip.Protocol.Vocabulary;

/// <summary>
/// What the KMIP tag table says about one tag.
/// </summary>
/// <param name="Tag">The tag number (0x42xxxx).</param>
/// <param name="Name">The OASIS XML/JSON name ("RequestMessage", "X_509CertificateIdentifier").</param>
/// <param name="Type">
/// The item type. Where <paramref name="TypeVaries"/> is set the type depends on context or version and this
/// is the usual one: Attribute Value, Custom Attribute and Credential Value record Structure (1.x Attribute
/// Value takes the type of the named attribute); Key Value and Key Material record their unwrapped form (Structure,
/// Byte String); Asynchronous Indicator records its 1.x Boolean (an Enumeration from KMIP 2.0); Unique
/// Identifier and Linked Object Identifier record Text String (2.x also allows an Enumeration or Integer);
/// Certificate Request records its 1.x Byte String; Attribute Reference records Structure (or an Enumeration of tags).
/// </param>
/// <param name="Since">The KMIP version that introduced the tag.</param>
/// <param name="LastVersion">For tags KMIP 2.0 made "(Reserved)": the last version that has them (1.4); otherwise null.</param>
/// <param name="TypeVaries">True when the item type is not fixed (see <paramref name="Type"/>).</param>
public readonly record struct KmipTagInfo(
    TtlvTag Tag,
    string Name,
    TtlvType Type,
    KmipVersion Since,
    KmipVersion? LastVersion = null,
    bool TypeVaries = false)
{
    /// <summary>True when <paramref name="version"/> defines this tag.</summary>
    public bool IsDefinedIn(KmipVersion version) =>
        version >= Since && (LastVersion is not { } last || version <= last);
}
