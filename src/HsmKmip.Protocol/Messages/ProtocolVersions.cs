using HsmKmip.Protocol.Vocabulary;
using HsmKmip.Ttlv;

namespace HsmKmip.Protocol.Messages;

/// <summary>Protocol Version structures and the versions this server speaks.</summary>
public static class ProtocolVersions
{
    /// <summary>Every version served, highest first (the order Discover Versions answers in).</summary>
    public static IReadOnlyList<KmipVersion> Supported => KmipVersion.Supported;

    public static bool IsSupported(KmipVersion v) => Supported.Contains(v);

    public static TtlvElement ToTtlv(KmipVersion v) => TtlvElement.Structure(Tag.ProtocolVersion,
        TtlvElement.Integer(Tag.ProtocolVersionMajor, v.Major),
        TtlvElement.Integer(Tag.ProtocolVersionMinor, v.Minor));

    /// <summary>Reads a Protocol Version structure; Integer or (leniently) Enumeration/Long Integer fields.</summary>
    public static KmipVersion FromTtlv(TtlvElement e)
    {
        if (e.Type != TtlvType.Structure) throw KmipException.InvalidMessage("Protocol Version must be a structure.");
        var major = e.Find(Tag.ProtocolVersionMajor) ?? throw KmipException.InvalidMessage("Protocol Version lacks Protocol Version Major.");
        var minor = e.Find(Tag.ProtocolVersionMinor) ?? throw KmipException.InvalidMessage("Protocol Version lacks Protocol Version Minor.");
        return new KmipVersion((int)Lenient.Number(major, "Protocol Version Major"), (int)Lenient.Number(minor, "Protocol Version Minor"));
    }

    /// <summary>
    /// The version to answer a request of an unsupported version in: the highest supported one of the same
    /// major version not above it, else the lowest supported of that major, else 1.0.
    /// </summary>
    public static KmipVersion NearestFor(KmipVersion requested)
    {
        var sameMajor = Supported.Where(v => v.Major == requested.Major).ToArray();
        if (sameMajor.Length == 0) return requested.Major > 2 ? KmipVersion.V2_1 : KmipVersion.V1_0;
        return sameMajor.FirstOrDefault(v => v <= requested) is { Major: > 0 } below ? below : sameMajor[^1];
    }
}
