using System.Collections.Frozen;
using System.Diagnostics.CodeAnalysis;
using HsmKmip.Ttlv;

namespace HsmKmip.Protocol.Vocabulary;

/// <summary>
/// The KMIP 1.0–2.1 enumerations and masks: which one a tag carries, and which version defines each value
/// (KMIP 1.4 §9.1.3.2–9.1.3.3; KMIP 2.1 §11). Values 0x8XXXXXXX are extensions and never "defined".
/// </summary>
public static class KmipEnumerations
{
    private static readonly FrozenDictionary<uint, KmipEnumerationInfo> ByTag =
        EnumerationTable.ByTag.ToFrozenDictionary(entry => entry.Tag, entry => entry.Info);

    private static readonly FrozenDictionary<Type, KmipEnumerationInfo> ByType =
        EnumerationTable.All.ToFrozenDictionary(info => info.EnumType);

    /// <summary>Every enumeration and mask.</summary>
    public static IReadOnlyList<KmipEnumerationInfo> All => EnumerationTable.All;

    /// <summary>The enumeration an Enumeration-typed tag carries, or the mask a mask-typed Integer tag carries.</summary>
    public static bool TryGetInfo(TtlvTag tag, [NotNullWhen(true)] out KmipEnumerationInfo? info) =>
        ByTag.TryGetValue(tag.Value, out info);

    /// <summary>The enumeration or mask described by a C# enum of this vocabulary.</summary>
    public static bool TryGetInfo(Type enumType, [NotNullWhen(true)] out KmipEnumerationInfo? info)
    {
        ArgumentNullException.ThrowIfNull(enumType);
        return ByType.TryGetValue(enumType, out info);
    }

    /// <summary>The enumeration or mask described by <typeparamref name="TEnum"/>.</summary>
    public static KmipEnumerationInfo For<TEnum>()
        where TEnum : struct, Enum =>
        ByType.TryGetValue(typeof(TEnum), out var info)
            ? info
            : throw new InvalidOperationException($"{typeof(TEnum).Name} is not a KMIP enumeration of this vocabulary.");

    /// <summary>The C# enum an Enumeration (or mask Integer) tag carries: tag Operation → <see cref="Operation"/>.</summary>
    public static Type? EnumTypeFor(TtlvTag tag) => ByTag.TryGetValue(tag.Value, out var info) ? info.EnumType : null;

    /// <summary>True when the tag is an Integer bit mask (Cryptographic Usage Mask, Storage Status Mask, Protection Storage Mask).</summary>
    public static bool IsMask(TtlvTag tag) => ByTag.TryGetValue(tag.Value, out var info) && info.IsMask;

    /// <summary>
    /// True when <paramref name="version"/> defines <paramref name="value"/> for the enumeration (or mask) that
    /// <paramref name="enumTag"/> carries; false for unknown tags, extension values and values of later versions.
    /// </summary>
    public static bool IsDefinedIn(TtlvTag enumTag, uint value, KmipVersion version) =>
        ByTag.TryGetValue(enumTag.Value, out var info) && info.IsDefinedIn(value, version);

    /// <summary>True for the extension range 0x8XXXXXXX that every KMIP enumeration reserves for vendors.</summary>
    public static bool IsExtensionValue(uint value) => (value & 0xF0000000) == 0x80000000;
}
