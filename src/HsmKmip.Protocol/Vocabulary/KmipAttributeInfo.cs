using HsmKmip.Ttlv;

namespace HsmKmip.Protocol.Vocabulary;

/// <summary>A KMIP 1.x attribute: the name used in Attribute Name, the tag of its value, and its version.</summary>
/// <param name="Name">The Attribute Name text ("Cryptographic Algorithm").</param>
/// <param name="Tag">The tag that KMIP 2.x uses for the attribute and whose type and enumeration its 1.x Attribute Value has.</param>
/// <param name="Since">The KMIP version that introduced the attribute.</param>
/// <param name="LastVersion">For attributes deprecated in 1.1 and removed in 2.0: 1.4; otherwise null.</param>
public readonly record struct KmipAttributeInfo(string Name, TtlvTag Tag, KmipVersion Since, KmipVersion? LastVersion = null)
{
    /// <summary>True when <paramref name="version"/> has this attribute.</summary>
    public bool IsDefinedIn(KmipVersion version) =>
        version >= Since && (LastVersion is not { } last || version <= last);
}
