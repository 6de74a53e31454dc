using System.Collections.Frozen;
using HsmKmip.Ttlv;

namespace HsmKmip.Protocol.Vocabulary;

/// <summary>
/// The KMIP 1.0–2.1 tag table (KMIP 1.4 §9.1.3.1; KMIP 2.1 §11, "Tag"): name, item type and versions of
/// every tag. Vendor extension tags (0x54xxxx) and unknown tags are never defined, and never throw.
/// </summary>
public static class KmipTags
{
    private static readonly FrozenDictionary<uint, KmipTagInfo> ByValue =
        KmipTagTable.Entries.ToFrozenDictionary(info => info.Tag.Value);

    private static readonly FrozenDictionary<string, KmipTagInfo> ByName =
        KmipTagTable.Entries.ToFrozenDictionary(info => info.Name, StringComparer.Ordinal);

    /// <summary>Every tag of KMIP 1.0–2.1, in tag order.</summary>
    public static IReadOnlyList<KmipTagInfo> All => KmipTagTable.Entries;

    public static bool TryGetInfo(TtlvTag tag, out KmipTagInfo info) => ByValue.TryGetValue(tag.Value, out info);

    /// <summary>The tag with the OASIS XML/JSON name <paramref name="name"/> (case-sensitive).</summary>
    public static bool TryGetInfo(string name, out KmipTagInfo info)
    {
        ArgumentNullException.ThrowIfNull(name);
        return ByName.TryGetValue(name, out info);
    }

    /// <summary>True when <paramref name="version"/> defines <paramref name="tag"/>; false for unknown and vendor tags.</summary>
    public static bool IsDefinedIn(TtlvTag tag, KmipVersion version) =>
        ByValue.TryGetValue(tag.Value, out var info) && info.IsDefinedIn(version);
}
